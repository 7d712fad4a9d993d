package pb_hooks

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// StaffCommand is `teduh staff add EMAIL --name … --role officer|supervisor`,
// so nobody needs SQL or the admin panel to create a staff account. The
// password comes from TEDUH_STAFF_PASSWORD or a prompt.
func StaffCommand(app core.App) *cobra.Command {
	cmd := &cobra.Command{Use: "staff", Short: "Kelola akun petugas (staff)"}
	var name, role, phone string
	add := &cobra.Command{
		Use:          "add EMAIL",
		Short:        "Tambah akun petugas atau kepala",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(c *cobra.Command, args []string) error {
			password := os.Getenv("TEDUH_STAFF_PASSWORD")
			if password == "" {
				var err error
				if password, err = promptPassword(c); err != nil {
					return err
				}
			}
			// a data directory the server has not opened yet has no
			// collections: apply the migrations first (a no-op otherwise)
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("basis data belum siap: %w", err)
			}
			rec, err := AddStaff(app, args[0], name, role, phone, password)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "Akun %s (%s, %s) dibuat dan aktif. id=%s\n", rec.GetString("name"), rec.Email(), rec.GetString("role"), rec.Id)
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "nama lengkap (wajib)")
	add.Flags().StringVar(&role, "role", "officer", "officer atau supervisor")
	add.Flags().StringVar(&phone, "phone", "", "nomor telepon (opsional)")
	cmd.AddCommand(add)
	return cmd
}

// AddStaff creates an active staff account.
func AddStaff(app core.App, email, name, role, phone, password string) (*core.Record, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("--name wajib diisi")
	}
	if role != "officer" && role != "supervisor" {
		return nil, errors.New("--role harus officer atau supervisor")
	}
	if len(password) < 10 {
		return nil, errors.New("kata sandi paling sedikit 10 karakter")
	}
	c, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.SetEmail(email)
	r.SetPassword(password)
	r.SetVerified(true)
	r.Set("name", strings.TrimSpace(name))
	r.Set("role", role)
	r.Set("phone", phone)
	r.Set("active", true)
	if err := app.Save(r); err != nil {
		return nil, errors.New("akun tidak dapat dibuat: " + describeErrors(err))
	}
	return r, nil
}

// fieldNames are the staff fields as the command's user knows them.
var fieldNames = map[string]string{"email": "email", "name": "--name", "role": "--role", "phone": "--phone", "nip": "NIP", "password": "kata sandi"}

// describeErrors writes a failed save's field errors in Bahasa Indonesia
// (PocketBase's own messages are English), one field after another.
func describeErrors(err error) string {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return err.Error()
	}
	keys := make([]string, 0, len(verrs))
	for k := range verrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		msg := verrs[k].Error()
		var ve validation.Error
		if errors.As(verrs[k], &ve) {
			if id, ok := pbCodes[ve.Code()]; ok {
				msg = id
			}
		}
		name := fieldNames[k]
		if name == "" {
			name = k
		}
		parts = append(parts, name+": "+msg)
	}
	return strings.Join(parts, "; ")
}

func promptPassword(c *cobra.Command) (string, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", errors.New("masukkan kata sandi lewat TEDUH_STAFF_PASSWORD atau terminal")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fmt.Fprint(c.OutOrStdout(), "Kata sandi (min. 10 karakter): ")
	p1, err := term.ReadPassword(fd)
	fmt.Fprintln(c.OutOrStdout())
	if err != nil {
		return "", err
	}
	fmt.Fprint(c.OutOrStdout(), "Ulangi kata sandi: ")
	p2, err := term.ReadPassword(fd)
	fmt.Fprintln(c.OutOrStdout())
	if err != nil {
		return "", err
	}
	if string(p1) != string(p2) {
		return "", errors.New("kata sandi tidak sama")
	}
	return string(p1), nil
}
