package pb_hooks

// `teduh restore` brings a fresh machine's data directory back from a replica;
// `teduh backup keygen|decrypt|restore` handle the office key and the
// encrypted backups. Both restores refuse a data directory that holds cases.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/archive"
	"github.com/spf13/cobra"

	"teduh/internal/replica"
)

// RestoreCommand is `teduh restore [--from s3|dir]`.
func RestoreCommand(app core.App) *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "restore",
		Short: "Pulihkan direktori data dari replika (S3 atau direktori cadangan)",
		Long: "Membangun kembali basis data dan berkas unggahan dari replika yang diatur dengan " +
			replica.EnvS3Bucket + " / " + replica.EnvDir + ". Direktori data (--dir) harus kosong.",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := replica.FromEnv(os.Getenv)
			if err != nil {
				return err
			}
			if from == "" {
				if from = replica.KindS3; cfg.S3 == nil {
					from = replica.KindDir
				}
			}
			if !cfg.Enabled() {
				return fmt.Errorf("replika belum diatur: atur %s (S3) atau %s (direktori) seperti pada server", replica.EnvS3Bucket, replica.EnvDir)
			}
			if _, err := cfg.Target(from); err != nil {
				return err
			}
			if err := clearFreshDataDir(app); err != nil {
				return err
			}
			res, err := replica.Restore(context.Background(), cfg, from, app.DataDir(), replicaLogger)
			if err != nil {
				return err
			}
			// the directory continues the replica: `serve` may replicate it
			if err := os.MkdirAll(filepath.Join(app.DataDir(), "."+replica.DBName+"-litestream"), 0o755); err != nil {
				return err
			}
			if err := MarkRestored(app.DataDir(), fmt.Sprintf("replika %s (transaksi %d)", res.From, res.TXID)); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "Dipulihkan dari %s ke %s: basis data sampai transaksi %d, %d berkas, %s.\n",
				res.From, app.DataDir(), res.TXID, res.Files, res.Duration.Round(1e6))
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "s3 atau dir (bawaan: s3 bila diatur)")
	return cmd
}

// BackupCommand is `teduh backup keygen|decrypt|restore`.
func BackupCommand(app core.App) *cobra.Command {
	cmd := &cobra.Command{Use: "backup", Short: "Kunci dan cadangan terenkripsi"}

	var keyOut string
	keygen := &cobra.Command{
		Use:          "keygen",
		Short:        "Buat kunci cadangan kantor (simpan berkasnya di luar server)",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(c *cobra.Command, _ []string) error {
			text, recipient, err := replica.NewIdentity()
			if err != nil {
				return err
			}
			f, err := os.OpenFile(keyOut, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			if _, err := f.WriteString(text); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "Kunci rahasia ditulis ke %s (simpan di luar server).\nAtur di server: %s=%s\n", keyOut, replica.EnvBackupRecipent, recipient)
			return nil
		},
	}
	keygen.Flags().StringVarP(&keyOut, "output", "o", "teduh-backup-key.txt", "berkas kunci rahasia yang dibuat")

	var identity, out string
	decrypt := &cobra.Command{
		Use:          "decrypt FILE.zip.age",
		Short:        "Buka cadangan terenkripsi menjadi arsip zip PocketBase",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			if out == "" {
				out = strings.TrimSuffix(filepath.Base(args[0]), replica.EncryptedSuffix)
			}
			if err := decryptBackup(args[0], identity, out); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "Cadangan dibuka ke %s.\n", out)
			return nil
		},
	}
	decrypt.Flags().StringVarP(&identity, "identity", "i", "", "berkas kunci rahasia kantor (wajib)")
	decrypt.Flags().StringVarP(&out, "output", "o", "", "arsip zip yang ditulis (bawaan: nama berkas tanpa .age)")

	var rIdentity, rFrom string
	restore := &cobra.Command{
		Use:          "restore FILE.zip.age",
		Short:        "Pulihkan direktori data (kosong) dari cadangan terenkripsi",
		Long:         "FILE adalah berkas lokal, atau nama cadangan di replika bila --from s3|dir diberikan.",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			if err := clearFreshDataDir(app); err != nil {
				return err
			}
			work, err := os.MkdirTemp(filepath.Dir(filepath.Clean(app.DataDir())), ".teduh_restore_")
			if err != nil {
				return err
			}
			defer os.RemoveAll(work) // the plaintext archive goes with it
			src := args[0]
			if rFrom != "" {
				cfg, err := replica.FromEnv(os.Getenv)
				if err != nil {
					return err
				}
				src = filepath.Join(work, "backup.age")
				if err := replica.FetchBackup(cfg, rFrom, args[0], src); err != nil {
					return fmt.Errorf("ambil cadangan %s dari %s: %w", args[0], rFrom, err)
				}
			}
			zip := filepath.Join(work, "backup.zip")
			if err := decryptBackup(src, rIdentity, zip); err != nil {
				return err
			}
			if err := archive.Extract(zip, app.DataDir()); err != nil {
				return fmt.Errorf("buka arsip: %w", err)
			}
			if err := MarkRestored(app.DataDir(), filepath.Base(args[0])); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "Cadangan %s dipulihkan ke %s.\n", filepath.Base(args[0]), app.DataDir())
			return nil
		},
	}
	restore.Flags().StringVarP(&rIdentity, "identity", "i", "", "berkas kunci rahasia kantor (wajib)")
	restore.Flags().StringVar(&rFrom, "from", "", "ambil cadangan dari replika: s3 atau dir")

	cmd.AddCommand(keygen, decrypt, restore)
	return cmd
}

func decryptBackup(src, identity, dst string) error {
	if identity == "" {
		return errors.New("--identity wajib: berkas kunci rahasia kantor")
	}
	ids, err := replica.ReadIdentities(identity)
	if err != nil {
		return err
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	return replica.Decrypt(dst, f, ids)
}

// clearFreshDataDir closes the databases PocketBase opened at start-up and
// removes them, so a restore writes into an empty directory. A directory
// holding any case, or any stored file, is refused: a restore never
// overwrites an office's data.
func clearFreshDataDir(app core.App) error {
	if err := app.ResetBootstrapState(); err != nil {
		return err
	}
	dir := app.DataDir()
	dataDB := filepath.Join(dir, replica.DBName)
	if _, err := os.Stat(dataDB); err == nil {
		db, err := dbx.Open("sqlite", dataDB)
		if err != nil {
			return err
		}
		var cases int
		var tables int
		_ = db.NewQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'complaints'").Row(&tables)
		if tables > 0 {
			_ = db.NewQuery("SELECT COUNT(*) FROM complaints").Row(&cases)
		}
		db.Close()
		if cases > 0 {
			return fmt.Errorf("direktori data %s sudah berisi %d pengaduan; pulihkan ke direktori kosong (--dir)", dir, cases)
		}
	}
	if entries, err := os.ReadDir(filepath.Join(dir, core.LocalStorageDirName)); err == nil && len(entries) > 0 {
		return fmt.Errorf("direktori data %s sudah berisi berkas unggahan; pulihkan ke direktori kosong (--dir)", dir)
	}
	for _, name := range []string{replica.DBName, "auxiliary.db"} {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(filepath.Join(dir, name+suffix)); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return nil
}
