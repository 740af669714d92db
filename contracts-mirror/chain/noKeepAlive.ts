/**
 * JSON-RPC over plain, short-lived connections. Node ≥ 19 keeps HTTP connections alive by default,
 * and a node such as hardhat closes idle ones after 5 s: a request sent on a connection the server
 * is closing at that moment fails with "socket hang up". On a busy machine (long pauses between
 * calls) that race is common, and a transaction cannot simply be retried, so every RPC client of
 * the project imports this module for its side effect: new agents without keep-alive.
 */
import http from 'node:http';
import https from 'node:https';

http.globalAgent = new http.Agent({ keepAlive: false });
https.globalAgent = new https.Agent({ keepAlive: false });
