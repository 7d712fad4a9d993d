package pb_hooks_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"strings"
	"testing"
	"time"
)

// sdkMultipart encodes a body the way PocketBase's JavaScript and Dart SDKs
// do when a file is attached: the fields as JSON under "@jsonPayload", each
// file as a part of its own.
func sdkMultipart(t *testing.T, fields map[string]any, file string, content []byte) *multipartBody {
	t.Helper()
	mb := &multipartBody{}
	w := multipart.NewWriter(&mb.buf)
	payload, _ := json.Marshal(fields)
	if err := w.WriteField("@jsonPayload", string(payload)); err != nil {
		t.Fatal(err)
	}
	if file != "" {
		fw, err := w.CreateFormFile(file, "foto-ktp.png")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	mb.contentType = w.FormDataContentType()
	return mb
}

// A mobile app using PocketBase's own SDK submits a complaint with a photo
// of the identity card; a photo too large is a field error in Bahasa
// Indonesia; PocketBase's own messages reach the app in Bahasa Indonesia.
func TestIntakeFromPocketBaseSDK(t *testing.T) {
	h := newHarness(t, time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))
	fields := with(validComplaint(), "violence_types", []string{"physical", "psychological"}, "injured", true)
	res := h.Do("POST", "/api/public/complaints", sdkMultipart(t, fields, "identity_document", []byte(pngBytes(t))), "")
	if res.Status != 200 || res.JSON["tracking_code"] == nil {
		t.Fatalf("SDK multipart: %d %s", res.Status, res)
	}
	c, err := h.App.FindFirstRecordByData("complaints", "number", res.JSON["number"])
	if err != nil || c.GetString("identity_document") == "" || !c.GetBool("injured") || !strings.Contains(c.GetString("violence_types"), "psychological") {
		t.Fatalf("stored: %v %v", err, c)
	}
	// a 7 MB photo
	big := bytes.Repeat([]byte{0x89}, 7<<20)
	res = h.Do("POST", "/api/public/complaints", sdkMultipart(t, fields, "identity_document", big), "")
	if res.Status != 413 || res.FieldCode("identity_document") != "file_too_large" || !strings.Contains(res.String(), "5 MB") {
		t.Fatalf("7 MB photo: %d %s", res.Status, res)
	}
	// a 5.5 MB one passes the body limit and is refused by the form
	res = h.Do("POST", "/api/public/complaints", sdkMultipart(t, fields, "identity_document", append([]byte(pngBytes(t)), bytes.Repeat([]byte{0}, 5<<20+512<<10)...)), "")
	if res.Status != 400 || res.FieldCode("identity_document") != "file_too_large" {
		t.Fatalf("5.5 MB photo: %d %s", res.Status, res)
	}
	if n, _ := h.App.CountRecords("complaints"); n != 1 {
		t.Fatalf("%d complaints stored", n)
	}
	// a broken @jsonPayload
	mb := &multipartBody{}
	w := multipart.NewWriter(&mb.buf)
	_ = w.WriteField("@jsonPayload", "{bukan json")
	_ = w.Close()
	mb.contentType = w.FormDataContentType()
	if res := h.Do("POST", "/api/public/complaints", mb, ""); res.Status != 400 || !strings.Contains(res.String(), "@jsonPayload") {
		t.Errorf("broken payload: %d %s", res.Status, res)
	}
	// PocketBase's own answers, in Bahasa Indonesia (codes kept)
	_, tok := h.Staff("petugas@teduh.test", "Petugas", "officer", true)
	res = h.Do("POST", "/api/collections/complaints/records", map[string]any{"channel": "walk_in", "assigned_to": "tidakada123456"}, tok)
	if res.Status != 400 || strings.Contains(res.String(), "Failed") || strings.Contains(res.String(), "Invalid") {
		t.Errorf("English reached the app: %d %s", res.Status, res)
	}
	res = h.Do("GET", "/api/collections/complaints/records/tidakada123456", nil, tok)
	if res.Status != 404 || res.JSON["message"] != "Data tidak ditemukan, atau Anda tidak berhak membukanya." {
		t.Errorf("404: %s", res)
	}
}
