package pb_hooks

// PocketBase's own error messages reach people and apps in English. The
// gate passes every error an API answer carries through translateError, so
// that the messages and field messages are in Bahasa Indonesia whatever
// client reads them (the console, an app with PocketBase's SDK, curl). The
// codes stay as they are: apps compare codes, people read messages.

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/tools/router"
)

// pbMessages are PocketBase's answers as a person should read them.
var pbMessages = map[string]string{
	"Failed to authenticate.":                             "Email atau kata sandi salah.",
	"The requested resource wasn't found.":                "Data tidak ditemukan, atau Anda tidak berhak membukanya.",
	"Something went wrong while processing your request.": "Permintaan tidak dapat diproses. Periksa isian lalu coba lagi.",
	"Failed to create record.":                            "Data belum dapat disimpan. Periksa isian yang ditandai.",
	"Failed to update record.":                            "Perubahan belum dapat disimpan. Periksa isian yang ditandai.",
	"Failed to delete record. Make sure that the record is not part of a required relation reference.": "Data tidak dapat dihapus.",
	"The request requires valid record authorization token.":                                           "Sesi Anda telah berakhir atau belum masuk. Silakan masuk lagi.",
	"The request requires valid auth record.":                                                          "Sesi Anda telah berakhir atau belum masuk. Silakan masuk lagi.",
	"The request requires superuser or record authorization token.":                                    "Masuk terlebih dahulu.",
	"The authorized record is not allowed to perform this action.":                                     "Anda tidak berhak melakukan tindakan ini.",
	"You are not allowed to perform this request.":                                                     "Anda tidak berhak melakukan tindakan ini.",
	"Only superusers can perform this action.":                                                         "Anda tidak berhak melakukan tindakan ini.",
	"Insufficient permissions to access the resource.":                                                 "Anda tidak berhak membuka data ini.",
	"Missing collection context.":                                                                      "Data tidak ditemukan.",
	"Missing or invalid collection context.":                                                           "Data tidak ditemukan.",
	"Missing or invalid auth collection context.":                                                      "Data tidak ditemukan.",
	"An error occurred while loading the submitted data.":                                              "Data yang dikirim tidak dapat dibaca.",
	"An error occurred while validating the submitted data.":                                           "Data belum lengkap atau tidak valid. Periksa isian yang ditandai.",
	"Failed to load the submitted data due to invalid formatting.":                                     "Data yang dikirim tidak dapat dibaca.",
	"Failed to read the submitted data.":                                                               "Data yang dikirim tidak dapat dibaca.",
	"Invalid filter format.":                                                                           "Filter tidak dapat dibaca.",
	"Invalid or expired token.":                                                                        "Tautan atau token tidak berlaku lagi. Minta yang baru.",
	"Invalid or expired password reset token.":                                                         "Tautan atur ulang kata sandi tidak berlaku lagi. Minta tautan baru.",
	"Invalid or expired verification token.":                                                           "Tautan verifikasi tidak berlaku lagi.",
	"Invalid or expired OTP":                                                                           "Kode sekali pakai salah atau sudah tidak berlaku. Minta kode baru.",
	"Invalid or expired MFA session.":                                                                  "Sesi masuk dua langkah sudah berakhir. Masuk lagi dari awal.",
	"Invalid MFA session.":                                                                             "Sesi masuk dua langkah tidak sah. Masuk lagi dari awal.",
	"A different authentication method is required.":                                                   "Masukkan kode yang dikirim ke email Anda.",
	"Too many attempts, please try again later with a new OTP.":                                        "Terlalu banyak percobaan. Minta kode baru lalu coba lagi.",
	"The collection is not configured to allow OTP authentication.":                                    "Masuk dengan kode email belum diaktifkan.",
	"The collection is not configured to allow password authentication.":                               "Masuk dengan kata sandi tidak diaktifkan.",
	"The request doesn't satisfy the collection requirements to authenticate.":                         "Akun ini tidak dapat masuk.",
	"The current and the previous request authorization don't match.":                                  "Sesi berubah. Muat ulang halaman.",
	"Missing or invalid client id.":                                                                    "Sambungan langsung terputus. Muat ulang halaman.",
	"Failed to refresh auth token.":                                                                    "Sesi tidak dapat diperpanjang. Silakan masuk lagi.",
	"Failed to set new password.":                                                                      "Kata sandi baru belum dapat disimpan.",
	"Failed to request email change.":                                                                  "Permintaan ganti email tidak dapat diproses.",
	"Failed to confirm email change.":                                                                  "Ganti email tidak dapat dikonfirmasi.",
	"Failed to create backup.":                                                                         "Cadangan tidak dapat dibuat.",
	"Try again later - another backup/restore process has already been started.":                       "Cadangan atau pemulihan lain sedang berjalan. Coba lagi nanti.",
	"Batch requests are not allowed.":                                                                  "Permintaan batch tidak diizinkan.",
}

// statusMessages replace PocketBase's bare status texts ("Not Found.").
var statusMessages = map[int]string{
	http.StatusBadRequest:            "Permintaan tidak dapat diproses. Periksa isian lalu coba lagi.",
	http.StatusUnauthorized:          "Masuk terlebih dahulu.",
	http.StatusForbidden:             "Anda tidak berhak melakukan tindakan ini.",
	http.StatusNotFound:              "Data tidak ditemukan, atau Anda tidak berhak membukanya.",
	http.StatusRequestEntityTooLarge: "Data yang dikirim terlalu besar.",
	http.StatusTooManyRequests:       "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.",
	http.StatusInternalServerError:   "Maaf, ada gangguan di server. Coba lagi beberapa saat lagi.",
}

// pbCodes are PocketBase's field error codes in Bahasa Indonesia.
var pbCodes = map[string]string{
	"validation_required":                  "Wajib diisi.",
	"validation_nil_or_not_empty_required": "Wajib diisi.",
	"validation_is_email":                  "Alamat email tidak valid.",
	"validation_invalid_email":             "Alamat email tidak valid.",
	"validation_email_domain_not_allowed":  "Domain email ini tidak diizinkan.",
	"validation_length_out_of_range":       "Panjang isian tidak sesuai.",
	"validation_length_too_long":           "Isian terlalu panjang.",
	"validation_length_too_short":          "Isian terlalu pendek.",
	"validation_min_text_constraint":       "Isian terlalu pendek.",
	"validation_max_text_constraint":       "Isian terlalu panjang.",
	"validation_min_number_constraint":     "Angka terlalu kecil.",
	"validation_max_number_constraint":     "Angka terlalu besar.",
	"validation_only_int_constraint":       "Hanya bilangan bulat.",
	"validation_not_a_number":              "Harus berupa angka.",
	"validation_invalid_date":              "Tanggal tidak valid.",
	"validation_invalid_json":              "Harus berupa JSON yang sah.",
	"validation_invalid_url":               "Alamat web tidak valid.",
	"validation_invalid_format":            "Format isian tidak sesuai.",
	"validation_match_invalid":             "Format isian tidak sesuai.",
	"validation_invalid_value":             "Nilai tidak valid.",
	"validation_in_invalid":                "Pilihan tidak dikenal.",
	"validation_not_in_invalid":            "Pilihan tidak dikenal.",
	"validation_too_many_values":           "Terlalu banyak pilihan.",
	"validation_not_enough_values":         "Pilihan kurang.",
	"validation_not_unique":                "Nilai ini sudah dipakai.",
	"validation_values_mismatch":           "Isian tidak sama.",
	"validation_invalid_old_password":      "Kata sandi lama salah.",
	"validation_invalid_password":          "Kata sandi salah.",
	"validation_invalid_token":             "Tautan atau token tidak berlaku lagi.",
	"validation_invalid_mime_type":         "Jenis berkas tidak dapat diterima.",
	"validation_file_size_limit":           "Berkas terlalu besar.",
	"validation_too_many_files":            "Terlalu banyak berkas.",
	"validation_invalid_file":              "Berkas tidak valid.",
	"validation_missing_rel_records":       "Data yang dipilih tidak ditemukan.",
	"validation_unknown_field":             "Kolom tidak dikenal.",
	"validation_invalid_field_value":       "Nilai tidak valid.",
	"validation_unsupported_value_type":    "Jenis nilai tidak didukung.",
}

// translateError returns err with its messages in Bahasa Indonesia.
func translateError(err error) error {
	if err == nil {
		return nil
	}
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) {
		apiErr = router.ToApiError(err)
	}
	// a copy: some of PocketBase's errors are shared values; the raw cause
	// stays for the request log
	out := router.NewApiError(apiErr.Status, translateMessage(apiErr.Status, apiErr.Message), apiErr.RawData())
	out.Data = translateFields(apiErr.Data)
	return out
}

func translateMessage(status int, msg string) string {
	if id, ok := pbMessages[msg]; ok {
		return id
	}
	if strings.HasPrefix(msg, "Only superusers can filter by") {
		return "Kolom ini hanya dapat dipakai dalam filter oleh administrator sistem."
	}
	if msg == "" || msg == strings.TrimSpace(http.StatusText(status))+"." || msg == http.StatusText(status) {
		if id, ok := statusMessages[status]; ok {
			return id
		}
	}
	return msg
}

// translateFields returns a copy of PocketBase's field errors with the
// messages of its own codes in Bahasa Indonesia.
func translateFields(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		item, ok := v.(map[string]any)
		if !ok {
			out[k] = v
			continue
		}
		if code, ok := item["code"].(string); ok {
			copied := make(map[string]any, len(item))
			for ik, iv := range item {
				copied[ik] = iv
			}
			if id, ok := pbCodes[code]; ok {
				copied["message"] = id
			}
			out[k] = copied
			continue
		}
		out[k] = translateFields(item)
	}
	return out
}
