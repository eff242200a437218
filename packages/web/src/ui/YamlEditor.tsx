import { yaml } from '@codemirror/lang-yaml';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { schemeTheme, setSchemeTheme } from './editor-theme.js';
import { useColorScheme } from './theme.js';

export interface YamlEditorProps {
  /** Read when `docKey` changes (a new document), not on every keystroke. */
  text: string;
  docKey: string;
  label: string;
  onChange: (text: string) => void;
}

/** A plain CodeMirror YAML editor (the Learn view's answer). */
export function YamlEditor({ text, docKey, label, onChange }: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  const made = useRef<EditorView | null>(null);
  // The system's scheme: read when an editor is made, swapped into it when it changes.
  const now = useColorScheme();
  const colorScheme = useRef(now);
  useEffect(() => {
    colorScheme.current = now;
    if (made.current) setSchemeTheme(made.current, now);
  }, [now]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the text is read once per document (docKey)
  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text,
        extensions: [
          basicSetup,
          yaml(),
          schemeTheme(colorScheme.current),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    editor.scrollDOM.tabIndex = 0;
    editor.scrollDOM.setAttribute('aria-label', `${label}, scrollable`);
    made.current = editor;
    return () => {
      made.current = null;
      editor.destroy();
    };
  }, [docKey, label]);
  return <div ref={host} className="editor-host" />;
}
