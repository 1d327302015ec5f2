// console
const timersByLabel = new MapCtor();
const log = (level) => (...args) => { h.log(level, format(...args)); };
const consoleObject = {
  log: log('info'), info: log('info'), debug: log('debug'), trace: log('debug'), warn: log('warn'), error: log('error'),
  dir: (v) => h.log('info', inspect(v)), table: (v) => h.log('info', inspect(v)),
  assert: (cond, ...args) => { if (!cond) h.log('error', 'Assertion failed' + (args.length ? ': ' + format(...args) : '')); },
  time: (label = 'default') => { MapSet(timersByLabel, label, Date.now()); },
  timeEnd: (label = 'default') => {
    if (MapHas(timersByLabel, label)) { h.log('info', label + ': ' + (Date.now() - MapGet(timersByLabel, label)) + 'ms'); MapDelete(timersByLabel, label); }
  },
};
