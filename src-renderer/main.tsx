import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './App.js';
import { createEditorStore } from './editor/store.js';
import { pickHost } from './host/pick.js';

const host = pickHost();
/** The editor's store: the integrator loads documents into it (`load`) and saves them (`onChange`). */
const editor = createEditorStore();
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App host={host} editor={editor} />
  </StrictMode>,
);
