import { useEffect, useState } from 'react';
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import type { Edge, Node } from '@xyflow/react';
import type { MenuCommand } from '../src-shared/api/index.js';
import type { Host } from './host/host.js';
import { useApp } from './state/app-store.js';

const MODE_LABEL = { electron: 'Desktop', browser: 'Browser host', cli: 'CLI' } as const;

/** The editor's canvas. Layers, wiring and shapes arrive with the editor issue; this is the empty document. */
function Canvas({ host }: { host: Host }) {
  const flow = useReactFlow();
  const notify = useApp((s) => s.notify);
  const [nodes] = useState<Node[]>([]);
  const [edges] = useState<Edge[]>([]);

  useEffect(() => {
    const run = (command: MenuCommand): void => {
      switch (command) {
        case 'zoom-in':
          void flow.zoomIn();
          return;
        case 'zoom-out':
          void flow.zoomOut();
          return;
        case 'zoom-reset':
          void flow.zoomTo(1);
          return;
        case 'fit-view':
          void flow.fitView();
          return;
        default:
          notify('warning', `“${command}” is not available in this build yet.`);
      }
    };
    return host.on('shell', 'menu', ({ command }) => run(command));
  }, [host, flow, notify]);

  return (
    <div className="canvas" data-testid="canvas">
      <ReactFlow nodes={nodes} edges={edges} fitView proOptions={{ hideAttribution: false }} aria-label="Network canvas">
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        <Controls position="bottom-left" />
        <MiniMap position="bottom-right" pannable zoomable />
      </ReactFlow>
      {nodes.length === 0 && (
        <div className="empty-state" data-testid="empty-editor">
          <h2>An empty network</h2>
          <p>Layers, skip connections and live shapes are placed here.</p>
        </div>
      )}
    </div>
  );
}

export function App({ host }: { host: Host }) {
  const { info, connection, notice, theme, setInfo, setConnection, notify, setTheme } = useApp();

  useEffect(() => {
    const load = (): void => {
      host.api.system.info({}).then(setInfo, (e: unknown) => notify('error', `Could not reach Skipwire: ${e instanceof Error ? e.message : String(e)}`));
    };
    setConnection(host.connection());
    const offConn = host.onConnection((s) => {
      setConnection(s);
      if (s === 'open') load();
    });
    const offNotice = host.on('system', 'notice', (n) => notify(n.level, n.message));
    load();
    return () => {
      offConn();
      offNotice();
    };
  }, [host, setInfo, setConnection, notify]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <img src="./favicon.svg" alt="" width={22} height={22} />
          <span>Skipwire</span>
        </div>
        <div className="doc-title" data-testid="doc-title">
          Untitled network
        </div>
        <div className="topbar-actions">
          <button
            type="button"
            className="ghost"
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
        </div>
      </header>
      <main className="workspace">
        <ReactFlowProvider>
          <Canvas host={host} />
        </ReactFlowProvider>
      </main>
      <footer className="statusbar" data-testid="statusbar">
        <span className={`conn conn-${connection}`} data-testid="connection">
          {connection === 'open' ? '● connected' : connection === 'connecting' ? '○ connecting…' : '○ disconnected — retrying'}
        </span>
        {info !== undefined && (
          <>
            <span data-testid="mode" title={info.modeReason}>
              {MODE_LABEL[info.mode]}: {info.modeReason}
            </span>
            <span data-testid="version">v{info.version}</span>
          </>
        )}
        {notice !== undefined && (
          <span className={`notice notice-${notice.level}`} role="status">
            {notice.message}
          </span>
        )}
      </footer>
    </div>
  );
}
