// Command teduh runs Teduh: the complaint form, the SOP engine and the staff
// console of a social service office, on PocketBase with embedded SQLite.
package main

import (
	"log"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/osutils"

	"teduh/pb_hooks"
	_ "teduh/pb_migrations"
)

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
	app.RootCmd.PersistentFlags().StringVar(&publicDir, "publicDir", defaultPublicDir(), "the directory with Teduh's pages")
	app.RootCmd.ParseFlags(os.Args[1:])

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{TemplateLang: migratecmd.TemplateLangGo})

	if err := pb_hooks.Register(app); err != nil {
		log.Fatal(err)
	}
	app.RootCmd.AddCommand(pb_hooks.StaffCommand(app))
	app.RootCmd.AddCommand(pb_hooks.RemindersCommand(app))
	app.RootCmd.AddCommand(pb_hooks.AuditCommand(app))
	app.RootCmd.AddCommand(pb_hooks.DefinitionsCommand())

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			if !e.Router.HasRoute(http.MethodGet, "/{path...}") {
				e.Router.GET("/{path...}", apis.Static(os.DirFS(publicDir), false))
			}
			return e.Next()
		},
		Priority: 999, // after Teduh's own routes
	})

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

// pb_public sits next to the executable, or in the working directory under go run.
func defaultPublicDir() string {
	if osutils.IsProbablyGoRun() {
		return "./pb_public"
	}
	return filepath.Join(os.Args[0], "../pb_public")
}
