import type { DatabaseSync } from 'node:sqlite'

/** 'ODKS' in the SQLite header: tells our files apart from any other SQLite database. */
export const APPLICATION_ID = 0x4f444b53

export interface Migration {
  version: number
  description: string
  up(db: DatabaseSync): void
}

// Rows get an INTEGER PRIMARY KEY (`seq`) because the FTS indexes point at rowids, and VACUUM may
// renumber the implicit rowid of a table keyed by TEXT, which would silently detach the index.
const TOKENIZER = `tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co So'"`

/** An external-content FTS5 index over one column, kept in sync by triggers. */
function ftsFor(table: string, column: string): string {
  const fts = `${table}_fts`
  return `
    CREATE VIRTUAL TABLE ${fts} USING fts5(${column}, content = '${table}', content_rowid = 'seq', ${TOKENIZER});
    CREATE TRIGGER ${fts}_insert AFTER INSERT ON ${table} BEGIN
      INSERT INTO ${fts}(rowid, ${column}) VALUES (new.seq, new.${column});
    END;
    CREATE TRIGGER ${fts}_delete AFTER DELETE ON ${table} BEGIN
      INSERT INTO ${fts}(${fts}, rowid, ${column}) VALUES ('delete', old.seq, old.${column});
    END;
    CREATE TRIGGER ${fts}_update AFTER UPDATE OF ${column} ON ${table} BEGIN
      INSERT INTO ${fts}(${fts}, rowid, ${column}) VALUES ('delete', old.seq, old.${column});
      INSERT INTO ${fts}(rowid, ${column}) VALUES (new.seq, new.${column});
    END;`
}

/**
 * Append only: a released migration is never edited, a change is a new entry. Each runs in its
 * own transaction together with its `PRAGMA user_version` bump.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'sessions, messages and full-text search',
    up(db) {
      db.exec(`
        PRAGMA application_id = ${APPLICATION_ID};
        CREATE TABLE sessions (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          title TEXT NOT NULL DEFAULT '',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
          archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
          deleted_at INTEGER
        );
        CREATE INDEX sessions_by_updated ON sessions(updated_at);
        CREATE TABLE messages (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          parent_id TEXT REFERENCES messages(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
          role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
          content TEXT NOT NULL DEFAULT '[]',
          text TEXT NOT NULL DEFAULT '',
          reasoning TEXT,
          tool_calls TEXT,
          provider TEXT,
          model TEXT,
          usage TEXT,
          cost REAL,
          timings TEXT,
          status TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('streaming', 'complete', 'error')),
          error TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX messages_by_session ON messages(session_id, created_at, id);
        CREATE INDEX messages_by_parent ON messages(parent_id);
        CREATE INDEX messages_by_model ON messages(model, session_id);
        CREATE INDEX messages_by_provider ON messages(provider, session_id);
        CREATE INDEX messages_by_status ON messages(status) WHERE status = 'streaming';
        ${ftsFor('messages', 'text')}
        ${ftsFor('sessions', 'title')}
      `)
    },
  },
  {
    version: 2,
    description: 'tags and workspaces',
    up(db) {
      db.exec(`
        ALTER TABLE sessions ADD COLUMN workspace TEXT;
        CREATE TABLE session_tags (
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          tag TEXT NOT NULL,
          PRIMARY KEY (session_id, tag)
        ) WITHOUT ROWID;
        CREATE INDEX session_tags_by_tag ON session_tags(tag);
      `)
    },
  },
  {
    version: 3,
    description: 'attachments and import provenance',
    up(db) {
      db.exec(`
        CREATE TABLE attachments (
          seq INTEGER PRIMARY KEY,
          message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
          sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
          name TEXT NOT NULL,
          mime TEXT NOT NULL,
          size INTEGER NOT NULL
        );
        CREATE INDEX attachments_by_message ON attachments(message_id);
        CREATE INDEX attachments_by_hash ON attachments(sha256);
        ALTER TABLE sessions ADD COLUMN source TEXT;
        ALTER TABLE sessions ADD COLUMN source_id TEXT;
        CREATE UNIQUE INDEX sessions_by_source ON sessions(source, source_id) WHERE source IS NOT NULL;
      `)
    },
  },
  {
    version: 4,
    description: 'compactions (summaries of older messages for long chats)',
    up(db) {
      // The summary itself is a message (role 'system'); this row says which messages it stands
      // for: every ancestor of upto_message_id, up to and including it.
      db.exec(`
        CREATE TABLE compactions (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          summary_message_id TEXT NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
          upto_message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
          tokens_before INTEGER NOT NULL CHECK (tokens_before >= 0),
          tokens_after INTEGER NOT NULL CHECK (tokens_after >= 0),
          created_at INTEGER NOT NULL
        );
        CREATE INDEX compactions_by_session ON compactions(session_id, seq);
        CREATE INDEX compactions_by_upto ON compactions(upto_message_id);
      `)
    },
  },
  {
    version: 5,
    description: 'per-chat settings, drafts, the branch being read and who named the chat',
    up(db) {
      // settings: the chat's model target, system prompt and parameters (JSON, validated on read:
      // a value an older or newer version wrote falls back to defaults, never blocks the chat).
      // active_leaf: the newest message of the branch the user is reading (null: the latest one).
      // title_source: 'user' when renamed by hand (an automatic title never overwrites it).
      // drafts: the composer's unsent text per chat; key is a session id, or 'new' for a new chat.
      db.exec(`
        ALTER TABLE sessions ADD COLUMN settings TEXT;
        ALTER TABLE sessions ADD COLUMN active_leaf TEXT;
        ALTER TABLE sessions ADD COLUMN title_source TEXT CHECK (title_source IN ('auto', 'user'));
        CREATE TABLE drafts (
          key TEXT NOT NULL PRIMARY KEY,
          body TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
      `)
    },
  },
  {
    version: 6,
    description: 'an index for the session list; drop message indexes no query needs',
    up(db) {
      // sessions.list reads `WHERE deleted_at IS NULL ORDER BY pinned DESC, updated_at DESC, seq
      // DESC`: this index, walked backwards, is that order (seq is the rowid), so a page reads
      // its rows and stops instead of sorting every session.
      // messages_by_model / _by_provider served only the "sessions that used this model" filters,
      // which messages_by_session answers per session; they cost ~20 % of every insert.
      db.exec(`
        CREATE INDEX sessions_by_list ON sessions(pinned, updated_at) WHERE deleted_at IS NULL;
        DROP INDEX messages_by_model;
        DROP INDEX messages_by_provider;
      `)
    },
  },
]

export const LATEST_VERSION = MIGRATIONS.length
