import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';

/**
 * The editor in the system's dark mode, with colours that pass WCAG AA on its background
 * (axe color-contrast): the usual dark themes' comments and line numbers do not.
 */
export const darkEditor = [
  EditorView.theme(
    {
      '&': { backgroundColor: '#121417', color: '#e8e8e8' },
      '.cm-gutters': { backgroundColor: '#1d2025', color: '#b8bec8', border: 'none' },
      '.cm-activeLine': { backgroundColor: '#ffffff0d' },
      '.cm-activeLineGutter': { backgroundColor: '#ffffff14' },
      '.cm-cursor, .cm-dropCursor': { borderLeftColor: '#ffffff' },
      '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: '#3b4f6b' },
      '.cm-tooltip': { backgroundColor: '#1d2025', color: '#e8e8e8' },
    },
    { dark: true },
  ),
  syntaxHighlighting(
    HighlightStyle.define([
      { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: '#8ab4f8' },
      { tag: [tags.string, tags.content, tags.attributeValue], color: '#a5d6a7' },
      { tag: tags.number, color: '#ffcc80' },
      { tag: [tags.keyword, tags.bool, tags.null, tags.atom], color: '#e1b3ee' },
      { tag: tags.comment, color: '#c0c0c0', fontStyle: 'italic' },
      { tag: [tags.punctuation, tags.separator, tags.meta, tags.operator], color: '#e0e0e0' },
    ]),
  ),
];

/** Where an editor's scheme sits: set when made, swapped when the system's scheme changes. */
const scheme = new Compartment();

export function schemeTheme(now: 'dark' | 'light') {
  return scheme.of(now === 'dark' ? darkEditor : []);
}

export function setSchemeTheme(editor: EditorView, now: 'dark' | 'light'): void {
  editor.dispatch({ effects: scheme.reconfigure(now === 'dark' ? darkEditor : []) });
}
