import type { DatabaseSync } from 'node:sqlite'

/** 'ODKB' in the SQLite header: a knowledge-base file, told apart from the session store ('ODKS'). */
export const KB_APPLICATION_ID = 0x4f444b42
export const KB_SCHEMA_VERSION = 1

const TOKENIZER = `tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co So'"`

/**
 * One knowledge base per file (`<dataDir>/knowledge/<id>.kb.db`). Vectors are stored as raw
 * float32 blobs in `embeddings` whatever the vector index is: the exact scan reads them, and the
 * sqlite-vec index (a `vec0` table per embedding generation) is an accelerator rebuilt from them.
 * Chunks have an explicit `seq` INTEGER PRIMARY KEY because the FTS index points at it.
 */
const SCHEMA_V1 = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE sources (
    seq INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('folder', 'file')),
    watch INTEGER NOT NULL DEFAULT 0,
    added_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE files (
    seq INTEGER PRIMARY KEY,
    source_seq INTEGER NOT NULL REFERENCES sources(seq) ON DELETE CASCADE,
    path TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    sha256 TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'indexed', 'error')),
    error TEXT,
    chunks INTEGER NOT NULL DEFAULT 0,
    indexed_at INTEGER
  ) STRICT;
  CREATE INDEX files_by_source ON files(source_seq);
  CREATE TABLE chunks (
    seq INTEGER PRIMARY KEY,
    file_seq INTEGER NOT NULL REFERENCES files(seq) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    heading TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    page INTEGER,
    line_start INTEGER NOT NULL,
    line_end INTEGER NOT NULL,
    tokens INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX chunks_by_file ON chunks(file_seq, ord);
  CREATE VIRTUAL TABLE chunks_fts USING fts5(heading, text, content = 'chunks', content_rowid = 'seq', ${TOKENIZER});
  CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, heading, text) VALUES (new.seq, new.heading, new.text);
  END;
  CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, heading, text) VALUES ('delete', old.seq, old.heading, old.text);
  END;
  CREATE TABLE embeddings (
    generation INTEGER NOT NULL,
    chunk_seq INTEGER NOT NULL REFERENCES chunks(seq) ON DELETE CASCADE,
    vector BLOB NOT NULL,
    PRIMARY KEY (generation, chunk_seq)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX embeddings_by_chunk ON embeddings(chunk_seq);
`

/** Creates the schema of a new file, or refuses one from a newer version. Returns true when it was new. */
export function ensureSchema(db: DatabaseSync): boolean {
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version)
  if (version > KB_SCHEMA_VERSION) throw new Error(`schema ${version} is newer than ${KB_SCHEMA_VERSION}`)
  if (version === KB_SCHEMA_VERSION) return false
  db.exec('BEGIN IMMEDIATE')
  try {
    db.exec(SCHEMA_V1)
    db.exec(`PRAGMA application_id = ${KB_APPLICATION_ID}`)
    db.exec(`PRAGMA user_version = ${KB_SCHEMA_VERSION}`)
    db.exec('COMMIT')
  } catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
  return true
}
