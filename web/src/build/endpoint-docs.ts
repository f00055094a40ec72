import { parseAst, type Plugin } from 'vite';

/** What the web app never reads of an endpoint: it documents `/api/openapi.json` and the server's tests. */
const DOC_KEYS = new Set(['summary', 'tags', 'errors']);

interface Span {
  start: number;
  end: number;
}

type Node = Span & { type: string; [key: string]: unknown };

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/** A plain `key: value` (or shorthand `key`) property's name; null for computed keys and spreads. */
function keyOf(p: Node): string | null {
  if (p.type !== 'Property' || p.computed === true || !isNode(p.key)) return null;
  const k = p.key;
  if (k.type === 'Identifier' && typeof k.name === 'string') return k.name;
  if (k.type === 'Literal' && typeof k.value === 'string') return k.value;
  return null;
}

/**
 * An endpoint declaration's source without its documentation (`summary`, `tags`, `errors`): the
 * web build carries every endpoint of the protocol, and those strings are ~15 KB of it that no
 * screen reads. An object literal counts as a declaration when it is `endpoint()`'s argument or
 * has `method` and `path` properties; nothing else is touched. `null` when there was nothing to take out.
 */
export function stripEndpointDocs(code: string, filename: string): string | null {
  const cuts: Span[] = [];
  // `endpoint({...step('decide', '…'), body, errors})`: its argument, whatever it spreads.
  const declared = new WeakSet<Node>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (!isNode(node)) return;
    if (node.type === 'CallExpression' && isNode(node.callee) && node.callee.type === 'Identifier' && node.callee.name === 'endpoint') {
      const [arg] = Array.isArray(node.arguments) ? node.arguments : [];
      if (isNode(arg)) declared.add(arg);
    }
    if (node.type === 'ObjectExpression' && Array.isArray(node.properties)) {
      const props = node.properties.filter(isNode);
      const keys = new Set(props.map(keyOf));
      if (declared.has(node) || (keys.has('method') && keys.has('path'))) {
        for (const p of props) {
          const key = keyOf(p);
          if (key === null || !DOC_KEYS.has(key)) continue;
          // The property and the comma after it, so the object literal stays well formed.
          const comma = /^\s*,/.exec(code.slice(p.end));
          cuts.push({ start: p.start, end: p.end + (comma ? comma[0].length : 0) });
        }
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'type' && typeof v === 'object') visit(v);
  };
  visit(parseAst(code, { lang: filename.endsWith('.ts') ? 'ts' : 'js' }, filename));
  if (cuts.length === 0) return null;
  let out = code;
  for (const c of cuts.sort((a, b) => b.start - a.start)) out = out.slice(0, c.start) + out.slice(c.end);
  return out;
}

/** The protocol's endpoint declarations, built for the browser without their documentation. */
export function endpointDocsOff(): Plugin {
  return {
    name: 'tremolo-endpoint-docs-off',
    apply: 'build',
    // Before TypeScript is stripped: the declarations are parsed as written.
    enforce: 'pre',
    transform: {
      filter: { id: /[\\/]packages[\\/]protocol[\\/]src[\\/]api[\\/][^\\/]+\.ts$/ },
      handler(code, id) {
        const out = stripEndpointDocs(code, id);
        return out === null ? null : { code: out, map: null };
      },
    },
  };
}
