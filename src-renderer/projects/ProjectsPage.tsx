import { useCallback, useEffect, useState } from 'react';
import type { ProjectSummary } from '../../src-shared/api/services/projects.js';
import type { Host } from '../host/host.js';
import { useProject } from '../state/project-store.js';
import { errorText } from './session.js';
import type { Notify, ProjectSession } from './session.js';
import { whenText } from './when.js';
import './projects.css';

type Tab = 'projects' | 'trash';

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** " · 2 versions · 1 run" (what the listing knows). */
function countsText(p: ProjectSummary): string {
  const parts: string[] = [];
  if (p.versionCount !== undefined) parts.push(plural(p.versionCount, 'version'));
  if (p.runCount !== undefined) parts.push(plural(p.runCount, 'run'));
  return parts.map((x) => ` · ${x}`).join('');
}

/**
 * The projects page: recent first, search, create (empty or from a template), open, rename,
 * duplicate, move to the trash; the trash with restore, delete forever and empty trash.
 */
export function ProjectsPage({ host, session, notify, onOpened, onFromTemplate }: { host: Host; session: ProjectSession; notify: Notify; onOpened: () => void; onFromTemplate: () => void }) {
  const [tab, setTab] = useState<Tab>('projects');
  const [query, setQuery] = useState('');
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  const [trashCount, setTrashCount] = useState(0);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const [now, setNow] = useState(() => Date.now());
  const currentId = useProject((s) => s.current?.projectId);

  const refresh = useCallback(() => {
    const q = query.trim();
    Promise.all([
      host.api.projects.list(tab === 'trash' ? { onlyTrashed: true, ...(q === '' ? {} : { query: q }) } : q === '' ? {} : { query: q }),
      host.api.projects.list({ onlyTrashed: true }),
    ]).then(
      ([list, trash]) => {
        setProjects(list.projects);
        setTrashCount(trash.projects.length);
        setNow(Date.now());
      },
      (e: unknown) => {
        setProjects([]);
        notify('error', `Could not list the projects: ${errorText(e)}`);
      },
    );
  }, [host, tab, query, notify]);

  useEffect(() => {
    const t = setTimeout(refresh, query === '' ? 0 : 150);
    return () => clearTimeout(t);
  }, [refresh, query]);
  useEffect(() => host.on('projects', 'changed', () => refresh()), [host, refresh]);

  const run = (what: string, job: () => Promise<unknown>): void => {
    job().then(refresh, (e: unknown) => notify('error', `Could not ${what}: ${errorText(e)}`));
  };

  const open = (id: string): void => {
    void session.open(id).then((ok) => ok && onOpened());
  };

  const create = (): void => {
    const name = newName.trim() === '' ? 'Untitled network' : newName.trim();
    void session.createEmpty(name).then((ok) => {
      if (!ok) return;
      setNewName('');
      onOpened();
    });
  };

  const rename = (): void => {
    if (renaming === null) return;
    const name = renaming.name.trim();
    if (name === '') {
      notify('warning', 'A project needs a name.');
      return;
    }
    const id = renaming.id;
    setRenaming(null);
    run('rename the project', async () => {
      const p = await host.api.projects.rename({ id, name });
      session.renamed(id, p.name);
    });
  };

  /** A .skipwire.json file becomes a new project (a graph with shape errors too; it opens with them). */
  const importFile = (): void => {
    run('import the file', async () => {
      const file = await host.openTextFile({ title: 'Import a Skipwire network as a new project', extensions: ['skipwire.json', 'json'] });
      if (file === undefined) return;
      const r = await host.api.projects.importDocument({ text: file.content });
      const migrated = r.migratedFrom === null ? '' : ` (upgraded from schema ${r.migratedFrom})`;
      notify('info', `Imported “${file.name}” as the project “${r.project.name}”${migrated}.`);
    });
  };

  /** The project's working copy as a .skipwire.json file (a download in the browser host). */
  const exportFile = (p: ProjectSummary): void => {
    run('export the project', async () => {
      const f = await host.api.projects.exportDocument({ id: p.id });
      const saved = await host.saveTextFile({ title: `Export “${p.name}”`, defaultName: f.fileName, content: f.text, extensions: ['skipwire.json', 'json'] });
      if (saved) notify('info', `Exported “${p.name}” as ${f.fileName}.`);
    });
  };

  const trash = (p: ProjectSummary): void => {
    run('move the project to the trash', async () => {
      if (p.id === useProject.getState().current?.projectId) {
        await session.autosaver.flush();
        session.leave();
      }
      await host.api.projects.trash({ id: p.id });
      notify('info', `Moved “${p.name}” to the trash.`);
    });
  };

  return (
    <div className="projects-page" data-projects-page data-testid="projects-page">
      <div className="projects-inner">
        <div className="projects-head">
          <h1>Projects</h1>
          <div className="projects-tabs" role="tablist">
            <button type="button" role="tab" aria-selected={tab === 'projects'} className={tab === 'projects' ? 'active' : ''} onClick={() => setTab('projects')}>
              Projects
            </button>
            <button type="button" role="tab" aria-selected={tab === 'trash'} className={tab === 'trash' ? 'active' : ''} onClick={() => setTab('trash')} data-testid="trash-tab">
              Trash{trashCount > 0 ? ` (${trashCount})` : ''}
            </button>
          </div>
        </div>
        <div className="projects-toolbar">
          <input
            type="search"
            className="projects-search"
            placeholder={tab === 'trash' ? 'Search the trash' : 'Search projects by name'}
            aria-label="Search projects"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="projects-search"
          />
          {tab === 'projects' ? (
            <form
              className="projects-new"
              onSubmit={(e) => {
                e.preventDefault();
                create();
              }}
            >
              <input type="text" placeholder="New project name" aria-label="New project name" maxLength={200} value={newName} onChange={(e) => setNewName(e.target.value)} data-testid="new-project-name" />
              <button type="submit" className="primary" data-testid="new-project">
                New empty project
              </button>
              <button type="button" onClick={onFromTemplate} data-testid="new-project-template">
                From template…
              </button>
              <button type="button" onClick={importFile} title="Create a project from a .skipwire.json file" data-testid="import-project">
                Import file…
              </button>
            </form>
          ) : (
            <div className="projects-new">
              {confirm === '*' ? (
                <>
                  <span className="small">Delete every project in the trash, with their versions and runs?</span>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => {
                      setConfirm(null);
                      run('empty the trash', async () => {
                        const r = await host.api.projects.emptyTrash({});
                        notify('info', `Deleted ${r.deleted} project${r.deleted === 1 ? '' : 's'} for good.`);
                      });
                    }}
                    data-testid="empty-trash-confirm"
                  >
                    Empty trash
                  </button>
                  <button type="button" className="ghost" onClick={() => setConfirm(null)}>
                    Cancel
                  </button>
                </>
              ) : (
                <button type="button" disabled={trashCount === 0} onClick={() => setConfirm('*')} data-testid="empty-trash">
                  Empty trash…
                </button>
              )}
            </div>
          )}
        </div>
        {projects === null ? (
          <p className="muted">Loading…</p>
        ) : projects.length === 0 ? (
          <p className="muted projects-empty" data-testid="projects-empty">
            {query.trim() !== '' ? `No project matches “${query.trim()}”.` : tab === 'trash' ? 'The trash is empty.' : 'No projects yet. Create one above, or draw a network and Save it.'}
          </p>
        ) : (
          <ul className="project-list" data-testid="project-list">
            {projects.map((p) => (
              <li key={p.id} className={`project-row${p.id === currentId ? ' current' : ''}`} data-testid="project-row" data-project-id={p.id}>
                <div className="project-main">
                  {renaming?.id === p.id ? (
                    <form
                      className="project-rename"
                      onSubmit={(e) => {
                        e.preventDefault();
                        rename();
                      }}
                    >
                      <input
                        autoFocus
                        type="text"
                        aria-label="Project name"
                        maxLength={200}
                        value={renaming.name}
                        onChange={(e) => setRenaming({ id: p.id, name: e.target.value })}
                        onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
                        data-testid="rename-input"
                      />
                      <button type="submit" className="primary">
                        Rename
                      </button>
                      <button type="button" className="ghost" onClick={() => setRenaming(null)}>
                        Cancel
                      </button>
                    </form>
                  ) : tab === 'projects' ? (
                    <button type="button" className="project-name link" onClick={() => open(p.id)} title={`Open “${p.name}”`} data-testid="project-open">
                      {p.name}
                    </button>
                  ) : (
                    <span className="project-name">{p.name}</span>
                  )}
                  <span className="muted small project-meta">
                    {tab === 'trash' && p.trashedAt !== null ? `trashed ${whenText(p.trashedAt, now)} · ` : ''}changed {whenText(p.updatedAt, now)} · created {whenText(p.createdAt, now)}
                    {countsText(p)}
                    {p.id === currentId ? ' · open here' : ''}
                  </span>
                </div>
                <div className="project-actions">
                  {tab === 'projects' ? (
                    <>
                      <button type="button" onClick={() => open(p.id)}>
                        Open
                      </button>
                      <button type="button" onClick={() => setRenaming({ id: p.id, name: p.name })} data-testid="project-rename">
                        Rename
                      </button>
                      <button
                        type="button"
                        onClick={() =>
                          run('duplicate the project', async () => {
                            const c = await host.api.projects.duplicate({ id: p.id });
                            notify('info', `Duplicated as “${c.name}”.`);
                          })
                        }
                        data-testid="project-duplicate"
                      >
                        Duplicate
                      </button>
                      <button type="button" onClick={() => exportFile(p)} title="Download the project's network as a .skipwire.json file" data-testid="project-export">
                        Export
                      </button>
                      <button type="button" onClick={() => trash(p)} data-testid="project-trash">
                        Move to trash
                      </button>
                    </>
                  ) : confirm === p.id ? (
                    <>
                      <span className="small">Delete for good, with its versions and runs?</span>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => {
                          setConfirm(null);
                          run('delete the project', async () => {
                            await host.api.projects.deleteForever({ id: p.id });
                            notify('info', `Deleted “${p.name}” for good.`);
                          });
                        }}
                        data-testid="delete-forever-confirm"
                      >
                        Delete
                      </button>
                      <button type="button" className="ghost" onClick={() => setConfirm(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <>
                      <button
                        type="button"
                        onClick={() =>
                          run('restore the project', async () => {
                            await host.api.projects.restore({ id: p.id });
                            notify('info', `Restored “${p.name}”.`);
                          })
                        }
                        data-testid="project-restore"
                      >
                        Restore
                      </button>
                      <button type="button" className="danger" onClick={() => setConfirm(p.id)} data-testid="project-delete-forever">
                        Delete forever…
                      </button>
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
