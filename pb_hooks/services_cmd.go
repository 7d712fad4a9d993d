package pb_hooks

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"teduh/internal/definitions"
)

// DefinitionsCommand is `teduh definitions check DIR`: the linter an office
// runs on the definition files of a new service before it copies them into
// <data dir>/definitions/. It loads them exactly as the server does at
// start-up and names the file, the place and the mistake of the first
// problem; it needs no database.
func DefinitionsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "definitions", Short: "Definisi layanan: formulir, alur kerja, dan standar pelayanan"}
	check := &cobra.Command{
		Use:          "check DIR",
		Short:        "Periksa definisi layanan di DIR (<id>.form.json, <id>.workflow.json, <id>.service.json)",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			info, err := os.Stat(dir)
			if err != nil || !info.IsDir() {
				return fmt.Errorf("%s bukan direktori", dir)
			}
			sets, err := definitions.LoadDir(dir)
			if err != nil {
				return err
			}
			if len(sets) == 0 {
				return errors.New("tidak ada definisi layanan di " + dir + " (berkas <id>.form.json, <id>.workflow.json dan <id>.service.json)")
			}
			out := c.OutOrStdout()
			for _, s := range sets {
				kind := "internal (hanya petugas)"
				if s.Service.Public {
					kind = "publik"
				}
				fmt.Fprintf(out, "OK  %s — %s (%s)\n", s.Service.ID, s.Service.Name, kind)
				fmt.Fprintf(out, "    formulir %s: %d isian; alur %s: %d langkah, %d tenggat; standar %s\n",
					s.Form.Version, len(s.Form.Fields()), s.Workflow.Version, len(s.Workflow.Steps), len(s.Workflow.Clocks), s.Service.Version)
				cases, steps, clocks := s.Service.Collections()
				fmt.Fprintf(out, "    koleksi: %s, %s, %s (dibuat saat server mulai)\n", cases, steps, clocks)
			}
			return nil
		},
	}
	cmd.AddCommand(check)
	return cmd
}
