// Pretty-prints a sample body for the side-by-side view: JSON in its own
// key order with its number literals as written (JSON.parse would lose
// both), each line marked when it lies at or under a differing path, and
// redacted values marked. Paths are the comparer's: body:$.items[0]['a-b'].

const REDACTED = '[redacted]';

// prettyLines returns [{indent, parts: [[class, text]], diff, redacted}].
export function prettyLines(body, diffPaths) {
  if (!body) return [];
  try {
    return new Printer(body, diffPaths).run();
  } catch {
    // Not JSON (HTML, text, a body cut at the size cap): as it is.
    return body.split('\n').map((line) => ({
      indent: 0, diff: false, redacted: line.includes(REDACTED),
      parts: line.split(REDACTED).flatMap((s, i) => (i ? [['redacted', REDACTED], ['', s]] : [['', s]])),
    }));
  }
}

class Printer {
  constructor(src, diffs) { this.s = src; this.i = 0; this.diffs = diffs || []; this.lines = []; }

  run() {
    this.value('body:$', [], 0);
    this.ws();
    if (this.i !== this.s.length) throw new Error('trailing data');
    return this.lines;
  }

  ws() { while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i])) this.i++; }

  expect(c) {
    this.ws();
    if (this.s[this.i] !== c) throw new Error(`want ${c} at ${this.i}`);
    this.i++;
  }

  emit(indent, parts, diff, redacted = false) { this.lines.push({ indent, parts, diff, redacted }); }

  // hit: the path is a differing path or lies beneath one.
  hit(path) {
    return this.diffs.some((d) => path === d || (path.startsWith(d) && (path[d.length] === '.' || path[d.length] === '[')));
  }

  value(path, key, depth) {
    this.ws();
    const c = this.s[this.i];
    const hit = this.hit(path);
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      this.i++;
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        this.emit(depth, [...key, ['', c + close]], hit);
        return;
      }
      this.emit(depth, [...key, ['', c]], hit);
      for (let n = 0; ; n++) {
        this.ws();
        let childPath = path + '[' + n + ']';
        let childKey = [];
        if (c === '{') {
          const k = this.string();
          this.expect(':');
          childPath = path + pathKey(k.value);
          childKey = [['k', k.raw], ['', ': ']];
        }
        this.value(childPath, childKey, depth + 1);
        this.ws();
        if (this.s[this.i] === ',') {
          this.i++;
          this.lines[this.lines.length - 1].parts.push(['', ',']);
          continue;
        }
        this.expect(close);
        break;
      }
      this.emit(depth, [['', close]], hit);
      return;
    }
    if (c === '"') {
      const str = this.string();
      const red = str.value === REDACTED;
      this.emit(depth, [...key, [red ? 'redacted' : 's', str.raw]], hit, red);
      return;
    }
    const lit = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
    lit.lastIndex = this.i;
    const m = lit.exec(this.s);
    if (!m) throw new Error('not JSON at ' + this.i);
    this.i += m[0].length;
    this.emit(depth, [...key, [/^[-\d]/.test(m[0]) ? 'n' : 'b', m[0]]], hit);
  }

  string() {
    const re = /"(?:[^"\\]|\\.)*"/y;
    re.lastIndex = this.i;
    const m = re.exec(this.s);
    if (!m) throw new Error('want a string at ' + this.i);
    this.i += m[0].length;
    return { raw: m[0], value: JSON.parse(m[0]) };
  }
}

// pathKey writes an object key as the comparer does: .key for identifiers,
// ['key'] otherwise.
function pathKey(k) {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) return '.' + k;
  return "['" + k.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "']";
}
