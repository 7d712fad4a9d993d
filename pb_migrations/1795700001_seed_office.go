package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The office profile of the first user, taken from its published SOP. Another
// city or regency edits this record in the admin panel; nothing else changes.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("office")
		if err != nil {
			return err
		}
		r := core.NewRecord(c)
		r.Load(map[string]any{
			"name":         "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak",
			"government":   "Pemerintah Kota Singkawang",
			"code":         "SKW",
			"address":      "Jalan Firdaus H Rais No 63 Singkawang 79123",
			"phone":        "0562639472",
			"website":      "www.dinsos.singkawangkota.go.id",
			"whatsapp":     "089520338668",
			"regency_code": "6172",
			"regency_name": "Kota Singkawang",
			"districts": []string{
				"Singkawang Barat", "Singkawang Tengah", "Singkawang Timur", "Singkawang Utara", "Singkawang Selatan",
			},
			"letterhead_lines": []string{
				"PEMERINTAH KOTA SINGKAWANG",
				"DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK",
				"Jalan Firdaus H Rais No 63 Singkawang 79123, Telepon 0562639472",
				"www.dinsos.singkawangkota.go.id",
			},
			// left for the office to fill in: unknown names are not invented
			"head_name":  "",
			"head_title": "Kepala Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak Kota Singkawang",
			"head_nip":   "",
			"sla_days":   7,
			"timezone":   "Asia/Pontianak",
			"emergency_contacts": []map[string]string{
				{"label": "SAPA 129", "number": "129", "href": "tel:129"},
				{"label": "WhatsApp SAPA 129", "number": "08111-129-129", "href": "https://wa.me/628111129129"},
				{"label": "Polisi", "number": "110", "href": "tel:110"},
				{"label": "WhatsApp Dinas", "number": "089520338668", "href": "https://wa.me/6289520338668"},
			},
			"service": map[string]any{
				"name":            "Penanganan Pengaduan Korban (Tindak Kekerasan) secara Langsung dengan Intervensi Krisis",
				"requirements":    []string{"Identitas diri korban", "Mengisi formulir pengaduan"},
				"completion_time": "7 hari setelah persyaratan dinyatakan lengkap dan valid",
				"cost":            "Tidak dipungut biaya",
				"products":        []string{"Layanan Perlindungan Perempuan dan Anak"},
				"complaint_channels": []string{
					"Datang langsung ke kantor Dinas",
					"Kotak saran di kantor Dinas",
					"Secara online melalui formulir di halaman ini",
					"SAPA Singkawang",
					"WhatsApp 089520338668",
				},
			},
		})
		return app.Save(r)
	}, func(app core.App) error {
		_, err := app.DB().NewQuery("DELETE FROM office").Execute()
		return err
	})
}
