// Command teduh runs Teduh: the complaint form, the SOP engine and the staff
// console of a social service office, on PocketBase with embedded SQLite.
// The pages (pb_public) are built into the binary, so one file is all a
// server needs; --publicDir serves a directory instead, for development.
package main

import (
	"embed"
	"io/fs"
	"log"
	"net/http"
	"net/http/pprof"
	"os"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"teduh/pb_hooks"
	_ "teduh/pb_migrations"
)

//go:embed all:pb_public
var embeddedPages embed.FS

func main() {
	// the definitions linter needs no server, no database, and must work
	// while the data directory's definitions are the ones that are broken
	if len(os.Args) > 1 && os.Args[1] == "definitions" {
		cmd := pb_hooks.DefinitionsCommand()
		cmd.SetArgs(os.Args[2:])
		if err := cmd.Execute(); err != nil {
			os.Exit(1)
		}
		return
	}

	app := pocketbase.NewWithConfig(pocketbase.Config{DBConnect: pb_hooks.DBConnect})

	var publicDir string
	app.RootCmd.PersistentFlags().StringVar(&publicDir, "publicDir", "",
		"serve the pages from this directory instead of those built into the binary (development: edits show without rebuilding)")
	app.RootCmd.ParseFlags(os.Args[1:])

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{TemplateLang: migratecmd.TemplateLangGo})

	if err := pb_hooks.Register(app); err != nil {
		log.Fatal(err)
	}
	app.RootCmd.AddCommand(pb_hooks.StaffCommand(app))
	app.RootCmd.AddCommand(pb_hooks.RemindersCommand(app))
	app.RootCmd.AddCommand(pb_hooks.AuditCommand(app))
	app.RootCmd.AddCommand(pb_hooks.RestoreCommand(app), pb_hooks.BackupCommand(app))
	app.RootCmd.AddCommand(pb_hooks.DefinitionsCommand())

	if publicDir != "" {
		pb_hooks.ServePages(app, os.DirFS(publicDir), false)
	} else {
		pages, err := fs.Sub(embeddedPages, "pb_public")
		if err != nil {
			log.Fatal(err)
		}
		pb_hooks.ServePages(app, pages, true)
	}

	// TEDUH_PPROF=127.0.0.1:6060 serves Go's profiler there, for an operator
	// or `make bench` to see where time goes; off unless set.
	if addr := os.Getenv("TEDUH_PPROF"); addr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		go func() { log.Println(http.ListenAndServe(addr, mux)) }()
	}

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
