/**
 * The editor's public surface for the rest of the app (the projects store, autosave): create a
 * store, `load(doc)` a document into it, hear every change with `onChange((doc, diff, source) => …)`.
 */
export { createEditorStore, EMPTY_SELECTION } from './store.js';
export type { ChangeListener, ChangeSource, EditorActions, EditorOptions, EditorState, EditorStore, Selection } from './store.js';
export { EditorProvider, useEditor, useEditorStore } from './context.js';
export { parseDocumentText, serializeDocument, fileNameFor, DOCUMENT_EXTENSION } from './file-io.js';
