// util.format / inspect (console uses them)
function inspect(value, options, depth, seen) {
  depth = depth === undefined ? 0 : depth;
  seen = seen || [];
  const maxDepth = options && options.depth !== undefined ? options.depth : 2;
  switch (typeof value) {
    case 'string': return depth === 0 ? value : "'" + value + "'";
    case 'number': case 'boolean': case 'undefined': return StringCtor(value);
    case 'bigint': return StringCtor(value) + 'n';
    case 'symbol': return value.toString();
    case 'function': return '[Function: ' + (value.name || '(anonymous)') + ']';
  }
  if (value === null) return 'null';
  if (seen.indexOf(value) !== -1) return '[Circular]';
  if (value instanceof ErrorCtor) return value.stack ? value.name + ': ' + value.message + '\n' + value.stack : StringCtor(value);
  if (value instanceof Date) return isNaN(value) ? 'Invalid Date' : value.toISOString();
  if (value instanceof RegExp) return StringCtor(value);
  if (typeof Buffer === 'function' && value instanceof Buffer) return '<Buffer ' + ArrayJoin(ArrayMap(ArraySlice(Array.from(value), 0, 50), (b) => (b < 16 ? '0' : '') + b.toString(16)), ' ') + '>';
  if (depth > maxDepth) return ArrayIsArray(value) ? '[Array]' : '[Object]';
  const next = seen.concat([value]);
  if (ArrayIsArray(value)) {
    return '[ ' + ArrayJoin(ArrayMap(value, (v) => inspect(v, options, depth + 1, next)), ', ') + ' ]';
  }
  if (value instanceof MapCtor) {
    const parts = [];
    value.forEach((v, k) => ArrayPush(parts, inspect(k, options, depth + 1, next) + ' => ' + inspect(v, options, depth + 1, next)));
    return 'Map(' + value.size + ') { ' + ArrayJoin(parts, ', ') + ' }';
  }
  const keys = ObjectKeys(value);
  if (keys.length === 0) return '{}';
  const parts = ArrayMap(keys, (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : "'" + k + "'") + ': ' + inspect(value[k], options, depth + 1, next));
  return '{ ' + ArrayJoin(parts, ', ') + ' }';
}

function format(first, ...rest) {
  let out;
  let args = rest;
  if (typeof first === 'string') {
    let i = 0;
    out = StringReplace(first, /%[sdifjoOc%]/g, (token) => {
      if (token === '%%') return '%';
      if (i >= args.length) return token;
      const arg = args[i++];
      switch (token) {
        case '%s': return typeof arg === 'string' ? arg : inspect(arg, { depth: 0 }, 1);
        case '%d': case '%i': return StringCtor(token === '%i' ? parseInt(arg) : Number(arg));
        case '%f': return StringCtor(parseFloat(arg));
        case '%j': try { return JSONStringify(arg); } catch (e) { return '[Circular]'; }
        case '%c': return '';
        default: return inspect(arg, undefined, 1);
      }
    });
    args = ArraySlice(args, i);
  } else {
    out = inspect(first);
  }
  for (const arg of args) out += ' ' + (typeof arg === 'string' ? arg : inspect(arg));
  return out;
}
