import { stringify } from 'yaml';

/** Generated objects as text: pretty JSON, or YAML 1.1 (quoted wherever 1.1 would misread). */
export function renderGenerated(list: unknown, format: 'json' | 'yaml'): string {
  if (format === 'json') return `${JSON.stringify(list, null, 2)}\n`;
  return stringify(list, { version: '1.1', lineWidth: 0 });
}
