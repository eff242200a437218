import { yaml } from '@codemirror/lang-yaml';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { darkEditor } from './editor-theme.js';

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
          ...(window.matchMedia?.('(prefers-color-scheme: dark)').matches ? darkEditor : []),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    editor.scrollDOM.tabIndex = 0;
    editor.scrollDOM.setAttribute('aria-label', `${label}, scrollable`);
    return () => editor.destroy();
  }, [docKey, label]);
  return <div ref={host} className="editor-host" />;
}
