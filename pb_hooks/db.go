package pb_hooks

import (
	"os"
	"path/filepath"

	"github.com/pocketbase/dbx"

	"teduh/internal/replica"
)

// DBConnect opens Teduh's databases with PocketBase's own settings
// (core.DefaultDBConnect) and a longer write-ahead log: 10,000 pages before
// SQLite copies them into the database file instead of its default 1,000. A
// complaint writes some fifty pages (the case and its indexes, its step, audit
// entry and alerts), mostly the same hot index pages again and again; a longer
// log copies each of them once per checkpoint instead of many times and syncs
// the disk ten times less often (`make bench`: intake +30% at 16 clients). The
// log stays bounded by journal_size_limit. Pass it as
// pocketbase.Config.DBConnect.
//
// Transactions begin IMMEDIATE: a transaction that reads and then writes
// (the audit chain reads its last entry before appending) holds the write
// lock from its first statement, so a second process (the CLI beside the
// server, Litestream) waits instead of interleaving.
//
// With replication configured, Litestream must own data.db's checkpoints: it
// reads each transaction from the WAL before the WAL is rewound, and holds a
// read transaction so that nobody else can rewind it. The app's connections
// then checkpoint never (wal_autocheckpoint(0)); Litestream checkpoints
// passively at the same 10,000 pages (replica.CheckpointPages) every second
// it syncs, and truncates a WAL that grows past ~500 MB. An app checkpoint
// attempted on every commit past 10,000 pages while Litestream's read lock
// holds the WAL would only waste time. auxiliary.db (logs) is not
// replicated and keeps the app's own checkpoints.
//
// Litestream also writes to data.db itself (it bumps a counter after each
// checkpoint to rewind the WAL). A deferred transaction that read before
// that write and writes after it fails at once with SQLITE_BUSY_SNAPSHOT
// ("database is locked (517)"), which no busy timeout retries; the drill saw
// it under intake: another reason for IMMEDIATE. PocketBase runs every
// transaction on its single-connection write pool, so this serialises
// nothing that was not serialised already.
func DBConnect(dbPath string) (*dbx.DB, error) {
	checkpoint := "10000"
	if filepath.Base(dbPath) == replica.DBName && replicationConfigured() {
		checkpoint = "0"
	}
	return dbx.Open("sqlite", dbPath+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)"+
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)&_defensive=1"+
		"&_pragma=wal_autocheckpoint("+checkpoint+")&_txlock=immediate")
}

// replicationConfigured reads the same environment as Register does.
func replicationConfigured() bool {
	cfg, err := replica.FromEnv(os.Getenv)
	return err == nil && cfg.Enabled()
}
