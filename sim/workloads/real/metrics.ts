/**
 * The validator's score (docs/model.md#validator-score): bits per character for language tasks, mean
 * cross-entropy for tabular ones, and the 999.0 failure value for an oversized model, empty data
 * or a non-finite loss. Lower is better.
 */
import { FAILURE_SCORE } from '../types.js';

/**
 * The BPC formula of docs/model.md#validator-score, as FLock's validator computes it:
 * `bpc = eval_loss_nats_per_token * total_target_tokens / ln(2) / total_target_bytes`.
 * The failure value 999.0 when the target has zero bytes or the loss is NaN or infinite.
 */
export function bitsPerCharacter(evalLossNatsPerToken: number, totalTargetTokens: number, totalTargetBytes: number): number {
  if (!(totalTargetBytes > 0) || !(totalTargetTokens > 0)) return FAILURE_SCORE;
  if (!Number.isFinite(evalLossNatsPerToken)) return FAILURE_SCORE;
  const bpc = (evalLossNatsPerToken * totalTargetTokens) / Math.LN2 / totalTargetBytes;
  return Number.isFinite(bpc) ? bpc : FAILURE_SCORE;
}

/** `bppl = 2^bpc` (docs/model.md#validator-score); the failure value passes through. */
export function bppl(bpc: number): number {
  return bpc === FAILURE_SCORE ? FAILURE_SCORE : 2 ** bpc;
}

/** Mean loss in nats (the tabular tasks' score), with the same failure cases. */
export function meanLoss(totalLossNats: number, examples: number): number {
  if (!(examples > 0) || !Number.isFinite(totalLossNats)) return FAILURE_SCORE;
  return totalLossNats / examples;
}

/** UTF-8 length of one Unicode code point. */
export function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** The token/byte ratio below which FLock's validator logs potential tokenizer gaming (docs/model.md#validator-score). */
export const TOKEN_BYTE_RATIO_WARNING = 0.1;

/** Characters per token of a `tokenizer-gaming` node's tokenizer: a token/byte ratio of 1/16 on ASCII text. */
export const GAMING_CHARS_PER_TOKEN = 16;

/**
 * The validator's tokenizer check (docs/model.md#validator-score): true when the evaluated target's
 * token/byte ratio is below `TOKEN_BYTE_RATIO_WARNING`. Only logged: the score still counts.
 */
export function tokenizerGamingSuspected(totalTargetTokens: number, totalTargetBytes: number): boolean {
  return totalTargetBytes > 0 && totalTargetTokens / totalTargetBytes < TOKEN_BYTE_RATIO_WARNING;
}

/** Tokens of `chars` target characters under a tokenizer of `charsPerToken` characters per token. */
export function tokensOf(chars: number, charsPerToken = 1): number {
  return Math.ceil(chars / charsPerToken);
}
