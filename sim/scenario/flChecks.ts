/**
 * The checks of a scenario's `flTasks` that span fields (docs/fl-alliance.md#scenario): each one
 * names the field, so a bad FL section is exit 2 with its path (sim/scenario/load.ts).
 */
export interface FlTaskFields {
  proposers: number;
  voters: number;
  nodes: number;
  minStake: number;
  stake: { min: number; max: number };
  arenaTask: number | null;
  startDay: number;
  roundHour: number;
  roundsPerDay: number;
}

export function checkFlTasks(list: readonly FlTaskFields[], arenaTasks: number): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  list.forEach((t, i) => {
    // A round takes 25 minutes (votes, finalize, slashes; docs/fl-alliance.md#the-round), so rounds start ≥ 30 minutes apart.
    const spacing = ((24 - t.roundHour) * 60) / t.roundsPerDay;
    if (spacing < 30)
      out.push({ path: ['flTasks', i, 'roundsPerDay'], message: `${t.roundsPerDay} rounds between ${t.roundHour}:00 and midnight are ${spacing.toFixed(1)} minutes apart; a round needs 30` });
    if (t.proposers + t.voters > t.nodes)
      out.push({ path: ['flTasks', i, 'nodes'], message: `${t.nodes} FL nodes cannot fill ${t.proposers} proposers and ${t.voters} voters a round (need ≥ ${t.proposers + t.voters})` });
    if (t.stake.min < t.minStake)
      out.push({ path: ['flTasks', i, 'stake', 'min'], message: `${t.stake.min} is below minStake = ${t.minStake}: such a node's stake would revert "Stake below threshold"` });
    if (t.arenaTask !== null && t.arenaTask >= arenaTasks)
      out.push({ path: ['flTasks', i, 'arenaTask'], message: `there is no tasks[${t.arenaTask}] (the scenario has ${arenaTasks} AI Arena task${arenaTasks === 1 ? '' : 's'})` });
  });
  return out;
}
