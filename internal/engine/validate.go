package engine

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Result is the outcome of validating values against fields.
type Result struct {
	Values   Values
	Derived  map[string]any
	Errors   map[string]*FieldError
	Warnings []Warning
}

// OK reports whether there were no errors.
func (r Result) OK() bool { return len(r.Errors) == 0 }

const dateLayout = "2006-01-02"

func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	// accept full timestamps too (stored records give "2010-03-14 00:00:00.000Z")
	if len(s) > 10 {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.000Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05"} {
			if t, err := time.Parse(layout, s); err == nil {
				return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
			}
		}
	}
	return time.Parse(dateLayout, s)
}

func errf(code, format string, args ...any) *FieldError {
	return &FieldError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// validateFields is shared by forms and workflow step data.
func validateFields(fields []Field, in Values, env Env, reg *Registry, outcome string) Result {
	res := Result{Values: Values{}, Errors: map[string]*FieldError{}}
	// first pass: normalise every value, so conditions see clean values
	for i := range fields {
		fd := &fields[i]
		v, ok := in[fd.Name]
		if !ok || isEmpty(v) {
			continue
		}
		clean, ferr := normalise(fd, v, env)
		if ferr != nil {
			res.Errors[fd.Name] = ferr
			continue
		}
		if !isEmpty(clean) {
			res.Values[fd.Name] = clean
		}
	}
	// second pass: visibility, requirements and named validators
	for i := range fields {
		fd := &fields[i]
		if fd.ShowWhen != nil && !fd.ShowWhen.Matches(res.Values) {
			// a hidden field's leftover value is ignored, errors included
			delete(res.Errors, fd.Name)
			delete(res.Values, fd.Name)
			if fd.CopyFrom != "" {
				if v, ok := res.Values[fd.CopyFrom]; ok {
					res.Values[fd.Name] = v
				}
			}
			continue
		}
		if res.Errors[fd.Name] != nil {
			continue
		}
		v, has := res.Values[fd.Name]
		if !has {
			if fd.Type == TypeBool {
				// an unticked box is false, and false is a value
				res.Values[fd.Name] = false
				v, has = false, true
			} else {
				if fd.isRequired(res.Values, outcome) {
					res.Errors[fd.Name] = errf("required", "%s wajib diisi.", fd.Label)
				}
				continue
			}
		}
		if b, ok := v.(bool); ok && fd.Type == TypeBool {
			given := in[fd.Name] != nil
			if fd.MustBeTrue && !b {
				res.Errors[fd.Name] = errf("must_be_true", "Centang kotak ini untuk melanjutkan: %s", fd.Label)
				continue
			}
			if !given && fd.isRequired(res.Values, outcome) {
				res.Errors[fd.Name] = errf("required", "%s wajib dijawab (ya atau tidak).", fd.Label)
				continue
			}
		}
		for _, name := range fd.Validators {
			ferr, warns := reg.fieldValidators[name](v, res.Values, env)
			if ferr != nil {
				res.Errors[fd.Name] = ferr
				break
			}
			for _, w := range warns {
				if w.Field == "" {
					w.Field = fd.Name
				}
				res.Warnings = append(res.Warnings, w)
			}
		}
	}
	for name := range res.Errors {
		delete(res.Values, name)
	}
	return res
}

var phoneJunk = strings.NewReplacer(" ", "", "-", "", ".", "", "(", "", ")", "")
var phoneRe = regexp.MustCompile(`^0[1-9][0-9]{7,12}$`)

// normalise checks a value against the field's declaration and returns it in
// canonical form.
func normalise(fd *Field, v any, env Env) (any, *FieldError) {
	switch fd.Type {
	case TypeText, TypeTextarea, TypePhone, TypeNIK, TypeSelect:
		s, ok := v.(string)
		if !ok {
			return nil, errf("invalid_type", "%s harus berupa teks.", fd.Label)
		}
		s, ferr := cleanText(fd, s)
		if ferr != nil || s == "" {
			return s, ferr
		}
		switch fd.Type {
		case TypePhone:
			p := phoneJunk.Replace(s)
			if rest, ok := strings.CutPrefix(p, "+62"); ok {
				p = "0" + strings.TrimLeft(rest, "0") // "+62 (0)812…" is 0812…
			} else if rest, ok := strings.CutPrefix(p, "62"); ok && len(p) >= 10 {
				p = "0" + strings.TrimLeft(rest, "0")
			}
			if !phoneRe.MatchString(p) {
				return nil, errf("invalid_phone", "Nomor telepon tidak valid. Tulis angka saja, contoh: 081234567890.")
			}
			return p, nil
		case TypeNIK:
			// people type NIKs with any kind of space or dash
			return strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '.' {
					return -1
				}
				return r
			}, s), nil
		case TypeSelect:
			if !fd.HasOption(s) {
				return nil, errf("invalid_option", "Pilihan untuk %s tidak dikenal. Pilih salah satu dari daftar.", fd.Label)
			}
		}
		return s, nil
	case TypeMultiselect:
		list, ok := v.([]string)
		if !ok {
			return nil, errf("invalid_type", "%s harus berupa daftar pilihan.", fd.Label)
		}
		list = trimAll(list)
		out := make([]string, 0, len(list))
		for _, code := range list {
			if !fd.HasOption(code) {
				return nil, errf("invalid_option", "Pilihan %q untuk %s tidak dikenal. Pilih dari daftar.", truncate(code, 40), fd.Label)
			}
			if slices.Contains(out, code) {
				if fd.Ordered {
					return nil, errf("duplicate_option", "Setiap pilihan untuk %s hanya boleh muncul satu kali.", fd.Label)
				}
				continue
			}
			out = append(out, code)
		}
		if fd.MaxItems > 0 && len(out) > fd.MaxItems {
			return nil, errf("too_many", "%s paling banyak %d pilihan.", fd.Label, fd.MaxItems)
		}
		if !fd.Ordered {
			// keep the definition's order so equal selections compare equal
			slices.SortFunc(out, func(a, b string) int { return optionIndex(fd, a) - optionIndex(fd, b) })
		}
		return out, nil
	case TypeBool:
		b, ok := v.(bool)
		if !ok {
			return nil, errf("invalid_type", "%s harus dijawab ya atau tidak.", fd.Label)
		}
		return b, nil
	case TypeNumber:
		n, ok := v.(float64)
		if !ok || math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, errf("invalid_type", "%s harus berupa angka.", fd.Label)
		}
		if fd.Integer && n != math.Trunc(n) {
			return nil, errf("not_integer", "%s harus berupa bilangan bulat.", fd.Label)
		}
		if fd.Min != nil && n < *fd.Min {
			return nil, errf("too_small", "%s paling kecil %v.", fd.Label, *fd.Min)
		}
		if fd.Max != nil && n > *fd.Max {
			return nil, errf("too_large", "%s paling besar %v.", fd.Label, *fd.Max)
		}
		return n, nil
	case TypeDate:
		var d time.Time
		switch x := v.(type) {
		case string:
			t, err := parseDate(x)
			if err != nil {
				return nil, errf("invalid_date", "%s bukan tanggal yang benar. Gunakan format TTTT-BB-HH, contoh 2010-03-14.", fd.Label)
			}
			d = t
		case time.Time:
			d = time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)
		default:
			return nil, errf("invalid_date", "%s harus berupa tanggal, contoh 2010-03-14.", fd.Label)
		}
		if fd.NotFuture && d.After(env.Today()) {
			return nil, errf("date_in_future", "%s tidak boleh lebih dari hari ini.", fd.Label)
		}
		if fd.MinDate != "" {
			if min, _ := parseDate(fd.MinDate); d.Before(min) {
				return nil, errf("date_too_early", "%s tidak boleh sebelum %s.", fd.Label, fd.MinDate)
			}
		}
		return d.Format(dateLayout), nil
	case TypeFile:
		var m FileMeta
		switch x := v.(type) {
		case FileMeta:
			m = x
		case *FileMeta:
			m = *x
		default:
			return nil, errf("invalid_file", "%s harus berupa berkas yang diunggah.", fd.Label)
		}
		if m.Size > fd.MaxSize {
			return nil, errf("file_too_large", "Berkas untuk %s terlalu besar. Paling besar %s.", fd.Label, humanSize(fd.MaxSize))
		}
		if m.Size == 0 {
			return nil, errf("file_empty", "Berkas untuk %s kosong. Pilih berkas lain.", fd.Label)
		}
		if m.MIME != "" && !slices.Contains(fd.Accept, m.MIME) {
			return nil, errf("file_type", "Jenis berkas untuk %s tidak diterima. Gunakan %s.", fd.Label, acceptedKinds(fd.Accept))
		}
		return m, nil
	}
	return nil, errf("invalid_type", "%s tidak dapat dibaca.", fd.Label)
}

var mimeNames = map[string]string{"image/jpeg": "JPG", "image/png": "PNG", "image/webp": "WEBP", "application/pdf": "PDF"}

// acceptedKinds names the accepted file types as people know them.
func acceptedKinds(accept []string) string {
	names := make([]string, 0, len(accept))
	for _, m := range accept {
		if n, ok := mimeNames[m]; ok {
			names = append(names, n)
		} else {
			names = append(names, m)
		}
	}
	if len(names) > 1 {
		return strings.Join(names[:len(names)-1], ", ") + " atau " + names[len(names)-1]
	}
	return strings.Join(names, "")
}

func optionIndex(fd *Field, code string) int {
	return slices.IndexFunc(fd.Options, func(o Option) bool { return o.Code == code })
}

// cleanText refuses invalid UTF-8, removes control characters (keeping line
// breaks in text areas), trims, and applies length limits counted in letters.
func cleanText(fd *Field, s string) (string, *FieldError) {
	if !utf8.ValidString(s) {
		return "", errf("invalid_text", "%s berisi karakter yang tidak dapat dibaca.", fd.Label)
	}
	multiline := fd.Type == TypeTextarea
	s = strings.Map(func(r rune) rune {
		if r == '\n' && multiline {
			return r
		}
		if r == '\t' || r == '\n' || r == '\r' {
			if multiline && r == '\r' {
				return -1
			}
			return ' '
		}
		// control and invisible format characters (zero-width spaces,
		// direction overrides that could disguise text shown to officers)
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	n := utf8.RuneCountInString(s)
	if fd.MinLength > 0 && n < fd.MinLength {
		return "", errf("too_short", "%s terlalu pendek. Tulis paling sedikit %d karakter.", fd.Label, fd.MinLength)
	}
	max := fd.MaxLength
	if max == 0 {
		max = 10000 // no unbounded text anywhere
	}
	if n > max {
		return "", errf("too_long", "%s terlalu panjang. Paling banyak %d karakter.", fd.Label, max)
	}
	return s, nil
}

func humanSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// coerceFields converts raw input into the types validation expects. JSON
// gives strings, bools, numbers and arrays; multipart gives strings, so
// "true"/"false" and repeated or comma-separated values are understood too.
func coerceFields(fields []Field, raw map[string]any, rejectUnknown bool) (Values, map[string]*FieldError) {
	out := Values{}
	errs := map[string]*FieldError{}
	byName := map[string]*Field{}
	for i := range fields {
		byName[fields[i].Name] = &fields[i]
	}
	for key, v := range raw {
		fd := byName[key]
		if fd == nil {
			if rejectUnknown {
				errs[truncate(key, 60)] = errf("unknown_field", "Kolom ini tidak dikenal dan tidak dapat diterima.")
			}
			continue
		}
		if v == nil {
			continue
		}
		val, ferr := coerceValue(fd, v)
		if ferr != nil {
			errs[key] = ferr
			continue
		}
		out[key] = val
	}
	return out, errs
}

func coerceValue(fd *Field, v any) (any, *FieldError) {
	// multipart gives []string; a single value is the usual case
	if list, ok := v.([]string); ok && fd.Type != TypeMultiselect {
		if len(list) != 1 {
			return nil, errf("invalid_type", "%s hanya boleh berisi satu nilai.", fd.Label)
		}
		v = list[0]
	}
	switch fd.Type {
	case TypeBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "1", "on", "ya", "yes":
				return true, nil
			case "false", "0", "off", "tidak", "no":
				return false, nil
			case "":
				return nil, nil
			}
		}
		return nil, errf("invalid_type", "%s harus dijawab ya atau tidak.", fd.Label)
	case TypeNumber:
		switch x := v.(type) {
		case float64:
			return x, nil
		case json.Number:
			n, err := x.Float64()
			if err == nil {
				return n, nil
			}
		case string:
			if strings.TrimSpace(x) == "" {
				return nil, nil
			}
			n, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err == nil {
				return n, nil
			}
		}
		return nil, errf("invalid_type", "%s harus berupa angka.", fd.Label)
	case TypeMultiselect:
		switch x := v.(type) {
		case []string:
			if len(x) == 1 {
				return splitList(x[0])
			}
			return x, nil
		case []any:
			list := make([]string, 0, len(x))
			for _, item := range x {
				s, ok := item.(string)
				if !ok {
					return nil, errf("invalid_type", "%s harus berupa daftar kode pilihan.", fd.Label)
				}
				list = append(list, s)
			}
			return list, nil
		case string:
			return splitList(x)
		}
		return nil, errf("invalid_type", "%s harus berupa daftar pilihan.", fd.Label)
	case TypeFile:
		return v, nil
	default:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, errf("invalid_type", "%s harus berupa teks.", fd.Label)
	}
}

func splitList(s string) (any, *FieldError) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") {
		var list []string
		if err := json.Unmarshal([]byte(s), &list); err != nil {
			return nil, errf("invalid_type", "Daftar pilihan tidak dapat dibaca.")
		}
		return list, nil
	}
	if s == "" {
		return []string{}, nil
	}
	return strings.Split(s, ","), nil
}
