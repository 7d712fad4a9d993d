// Package referral holds Teduh's referral rules as plain Go, with no
// database: which services a victim should be referred to first (the
// priority table behind SOP step 3), how a referral moves from draft to the
// institution's answer, whose consent a referral needs, how much of the
// victim's identity a receiving service is told, and how referral letters
// are numbered. The PocketBase glue in pb_hooks calls these.
package referral

import "time"

// Institution types (DESIGN §3; the codes of definitions.InstitutionTypes).
const (
	TypeHealth        = "health"
	TypePolice        = "police"
	TypeShelter       = "shelter"
	TypePsychosocial  = "psychosocial"
	TypeLegalAid      = "legal_aid"
	TypeCivilRegistry = "civil_registry"
	TypeEducation     = "education"
	TypeReligious     = "religious"
	TypeSocialRehab   = "social_rehab"
	TypeOther         = "other"
)

// ForensicWindow is how long after a sexual assault medical care (emergency
// contraception, HIV post-exposure prophylaxis) and forensic evidence are
// still effective.
const ForensicWindow = 72 * time.Hour

// Situation is what the office knows of the victim's condition.
type Situation struct {
	Injured        bool `json:"injured"`
	SexualViolence bool `json:"sexual_violence"`
	// SinceIncident is the least time that can have passed since the
	// incident; IncidentKnown is false when the date is unknown.
	SinceIncident         time.Duration `json:"-"`
	IncidentKnown         bool          `json:"incident_known"`
	ImmediateDanger       bool          `json:"immediate_danger"`
	PerpetratorInHome     bool          `json:"perpetrator_in_home"`
	Child                 bool          `json:"child"`
	PsychologicalDistress bool          `json:"psychological_distress"`
	WantsLegalProcess     bool          `json:"wants_legal_process"`
	MissingCivilDocuments bool          `json:"missing_civil_documents"`
	Trafficking           bool          `json:"trafficking"`
	Exploitation          bool          `json:"exploitation"`
	Disability            bool          `json:"disability"`
}

// Rule is one line of the priority table: when the condition holds, the
// institution types are recommended in this order, for this reason.
type Rule struct {
	Code   string
	When   func(Situation) bool
	Types  []string
	Reason string
}

// Rules is the priority table, most urgent first: what saves a life or
// evidence that disappears comes before safety, safety before recovery, and
// recovery before paperwork. Every victim is offered psychosocial support.
var Rules = []Rule{
	{
		Code:   "injury",
		When:   func(s Situation) bool { return s.Injured },
		Types:  []string{TypeHealth},
		Reason: "Korban terluka: perawatan medis lebih dulu di rumah sakit atau puskesmas. Luka juga dicatat dalam visum et repertum bila korban melapor ke polisi.",
	},
	{
		Code: "sexual_within_72h",
		When: func(s Situation) bool {
			return s.SexualViolence && s.IncidentKnown && s.SinceIncident <= ForensicWindow
		},
		Types:  []string{TypeHealth, TypePolice},
		Reason: "Kekerasan seksual dalam 72 jam terakhir: pemeriksaan medis segera (kontrasepsi darurat, pencegahan HIV dan infeksi menular seksual) dan pengambilan bukti forensik sebelum hilang. Visum dimintakan melalui Unit PPA kepolisian.",
	},
	{
		Code:   "sexual_time_unknown",
		When:   func(s Situation) bool { return s.SexualViolence && !s.IncidentKnown },
		Types:  []string{TypeHealth},
		Reason: "Kekerasan seksual yang waktunya belum diketahui: segera periksakan ke layanan kesehatan. Bila ternyata belum lewat 72 jam, pencegahan kehamilan dan HIV masih dapat diberikan dan bukti forensik masih dapat diambil.",
	},
	{
		Code:   "sexual_after_72h",
		When:   func(s Situation) bool { return s.SexualViolence && s.IncidentKnown && s.SinceIncident > ForensicWindow },
		Types:  []string{TypeHealth, TypePsychosocial},
		Reason: "Kekerasan seksual lebih dari 72 jam yang lalu: pemeriksaan kesehatan (kehamilan, infeksi menular seksual) dan pendampingan psikologis.",
	},
	{
		Code:   "immediate_danger",
		When:   func(s Situation) bool { return s.ImmediateDanger },
		Types:  []string{TypePolice, TypeShelter},
		Reason: "Korban masih dalam bahaya: minta perlindungan kepolisian dan tempatkan korban di rumah aman (SOP langkah 4).",
	},
	{
		Code:   "perpetrator_in_home",
		When:   func(s Situation) bool { return s.PerpetratorInHome },
		Types:  []string{TypeShelter},
		Reason: "Pelaku tinggal serumah dengan korban: korban memerlukan tempat tinggal sementara yang aman agar tidak kembali kepada pelaku.",
	},
	{
		Code:   "trafficking",
		When:   func(s Situation) bool { return s.Trafficking },
		Types:  []string{TypePolice, TypeShelter, TypeSocialRehab},
		Reason: "Dugaan perdagangan orang: wajib dilaporkan ke kepolisian. Korban memerlukan rumah aman, rehabilitasi sosial, dan bantuan pemulangan.",
	},
	{
		Code:   "exploitation",
		When:   func(s Situation) bool { return s.Exploitation },
		Types:  []string{TypePolice, TypeSocialRehab},
		Reason: "Eksploitasi (ekonomi atau seksual): laporkan ke kepolisian dan pulihkan korban melalui rehabilitasi sosial.",
	},
	{
		Code:   "child",
		When:   func(s Situation) bool { return s.Child },
		Types:  []string{TypePsychosocial, TypeEducation},
		Reason: "Korban masih anak: pendampingan psikologis oleh psikolog anak, dan pendampingan agar anak tetap dapat bersekolah.",
	},
	{
		Code:   "psychological_distress",
		When:   func(s Situation) bool { return s.PsychologicalDistress },
		Types:  []string{TypePsychosocial, TypeReligious},
		Reason: "Korban mengalami tekanan psikis (takut, trauma, sedih berkepanjangan): konseling oleh psikolog, dan bimbingan rohani bila korban menginginkannya.",
	},
	{
		Code:   "legal_process",
		When:   func(s Situation) bool { return s.WantsLegalProcess },
		Types:  []string{TypePolice, TypeLegalAid},
		Reason: "Korban ingin menempuh proses hukum: laporan ke Unit PPA kepolisian dan pendampingan hukum cuma-cuma dari lembaga bantuan hukum.",
	},
	{
		Code:   "missing_documents",
		When:   func(s Situation) bool { return s.MissingCivilDocuments },
		Types:  []string{TypeCivilRegistry},
		Reason: "Korban belum memiliki dokumen kependudukan (KTP, KK, akta kelahiran): Dukcapil menerbitkannya agar korban dapat mengakses layanan kesehatan, bantuan sosial, dan proses hukum.",
	},
	{
		Code:   "disability",
		When:   func(s Situation) bool { return s.Disability },
		Types:  []string{TypeSocialRehab},
		Reason: "Korban penyandang disabilitas: rehabilitasi sosial dan akomodasi yang layak (pendamping, juru bahasa isyarat) di setiap layanan.",
	},
	{
		Code:   "baseline",
		When:   func(Situation) bool { return true },
		Types:  []string{TypePsychosocial},
		Reason: "Setiap korban kekerasan berhak atas pendampingan psikososial untuk pemulihannya.",
	},
}

// Recommendation is one institution type in the recommended order.
type Recommendation struct {
	Type string `json:"type"`
	// Reason is the reason of the most urgent rule asking for this type;
	// Reasons and Rules list every rule that asked for it, in order.
	Reason  string   `json:"reason"`
	Reasons []string `json:"reasons"`
	Rules   []string `json:"rules"`
}

// Recommend applies the priority table: each type appears once, at the
// place of the most urgent rule that asks for it.
func Recommend(s Situation) []Recommendation {
	var out []Recommendation
	index := map[string]int{}
	for _, r := range Rules {
		if !r.When(s) {
			continue
		}
		for _, typ := range r.Types {
			i, seen := index[typ]
			if !seen {
				index[typ] = len(out)
				out = append(out, Recommendation{Type: typ, Reason: r.Reason})
				i = len(out) - 1
			}
			out[i].Rules = append(out[i].Rules, r.Code)
			if !contains(out[i].Reasons, r.Reason) {
				out[i].Reasons = append(out[i].Reasons, r.Reason)
			}
		}
	}
	return out
}

// SinceIncidentDay is the least time that can have passed since an incident
// known only by its day ("2006-01-02" in the office's time zone): the time
// since the end of that day, never negative. A day that cannot be read is
// unknown. Counting from the end of the day keeps the 72-hour window open
// for as long as it may still be open.
func SinceIncidentDay(day string, now time.Time, loc *time.Location) (time.Duration, bool) {
	if day == "" {
		return 0, false
	}
	if loc == nil {
		loc = time.UTC
	}
	d, err := time.ParseInLocation("2006-01-02", day, loc)
	if err != nil {
		return 0, false
	}
	since := now.Sub(d.AddDate(0, 0, 1))
	if since < 0 {
		since = 0
	}
	return since, true
}

// PerpetratorInHome judges from the perpetrator relation and the incident
// place whether the victim lives with the perpetrator: a parent or a spouse
// usually does; another family member when the violence happened in the
// household.
func PerpetratorInHome(relation, place string) bool {
	switch relation {
	case "parent", "spouse":
		return true
	case "family":
		return place == "household"
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
