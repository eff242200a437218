/**
 * Text edits for the traps the seeds teach (Editor quick fixes). Each takes the file text and
 * the lint finding's range and returns the new text, or undefined when the text is not in the
 * shape the fix understands (then no fix is offered: never a guess).
 */

/** The OR trap: delete the `-` before the second peer so both selectors form one peer (AND). */
export function mergePeers(text: string, from: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', from - 1) + 1;
  const before = text.slice(lineStart, from);
  const match = /^(\s*)- (\s*)$/.exec(before);
  if (!match) return undefined;
  return `${text.slice(0, lineStart)}${match[1]}  ${match[2]}${text.slice(from)}`;
}

/**
 * DNS: add the egress rule the dns-egress-blocked finding asks for (the cluster DNS pods,
 * k8s-app=kube-dns in kube-system, on UDP 53 and TCP 53: DNS falls back to TCP for large
 * answers) to the policy the finding points into.
 */
export function allowDns(text: string, from: number): string | undefined {
  const docStart = Math.max(0, text.lastIndexOf('\n---', from) + 1);
  const nextDoc = text.indexOf('\n---', from);
  const docEnd = nextDoc < 0 ? text.length : nextDoc + 1;
  const doc = text.slice(docStart, docEnd);
  const lines = doc.split('\n');
  const specLine = lines.findIndex((l) => /^spec:\s*$/.test(l));
  if (specLine < 0) return undefined;
  const specIndent = (lines[specLine + 1] ?? '').match(/^(\s*)/)?.[1] ?? '  ';
  const rule = (indent: string) => [
    `${indent}- to:`,
    `${indent}  - namespaceSelector:`,
    `${indent}      matchLabels:`,
    `${indent}        kubernetes.io/metadata.name: kube-system`,
    `${indent}    podSelector:`,
    `${indent}      matchLabels:`,
    `${indent}        k8s-app: kube-dns`,
    `${indent}  ports:`,
    `${indent}  - protocol: UDP`,
    `${indent}    port: 53`,
    `${indent}  - protocol: TCP`,
    `${indent}    port: 53`,
  ];
  const egressLine = lines.findIndex((l, i) => i > specLine && l.startsWith(`${specIndent}egress:`));
  if (egressLine >= 0) {
    const rest = lines[egressLine]!.slice(`${specIndent}egress:`.length).trim();
    if (rest === '[]') lines.splice(egressLine, 1, `${specIndent}egress:`, ...rule(specIndent));
    else if (rest === '') {
      const first = lines[egressLine + 1] ?? '';
      const itemIndent = /^(\s*)- /.exec(first)?.[1] ?? specIndent;
      lines.splice(egressLine + 1, 0, ...rule(itemIndent));
    } else return undefined;
  } else {
    // After the last line of spec's block.
    let end = specLine + 1;
    while (end < lines.length && (lines[end]!.startsWith(specIndent) || lines[end]!.trim() === '')) end++;
    while (end > specLine + 1 && lines[end - 1]!.trim() === '') end--;
    lines.splice(end, 0, `${specIndent}egress:`, ...rule(specIndent));
  }
  return `${text.slice(0, docStart)}${lines.join('\n')}${text.slice(docEnd)}`;
}

export const QUICK_FIXES: Record<string, { label: string; apply: (text: string, from: number) => string | undefined }> =
  {
    'namespace-pod-selector-or': { label: "Delete the '-' (one peer: AND)", apply: mergePeers },
    'dns-egress-blocked': { label: 'Allow DNS (UDP and TCP 53)', apply: allowDns },
  };
