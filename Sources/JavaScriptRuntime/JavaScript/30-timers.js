// timers
const timerCallbacks = new MapCtor();
let nextTimerId = 1;
function addTimer(callback, delay, args, repeat) {
  if (typeof callback !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function');
  const id = nextTimerId++;
  const ms = Math.max(0, Number(delay) || 0);
  h.setTimer(id, ms);
  MapSet(timerCallbacks, id, { callback, args, repeat, ms });
  return id;
}
function clearTimer(id) {
  const key = typeof id === 'object' && id !== null ? id.id : id;
  if (MapDelete(timerCallbacks, key)) h.clearTimer(key);
}
function fireTimer(id) {
  const timer = MapGet(timerCallbacks, id);
  if (!timer) return;
  if (timer.repeat) h.setTimer(id, timer.ms); else MapDelete(timerCallbacks, id);
  apply(timer.callback, undefined, timer.args);
}
