package referral

// Referral statuses (DESIGN §3), as in Primero's referrals.
const (
	StatusDraft     = "draft"
	StatusSent      = "sent"
	StatusAccepted  = "accepted"
	StatusDeclined  = "declined"
	StatusCompleted = "completed"
	StatusRevoked   = "revoked"
)

// Statuses lists every status in lifecycle order.
var Statuses = []string{StatusDraft, StatusSent, StatusAccepted, StatusDeclined, StatusCompleted, StatusRevoked}

// StatusLabels are the statuses as people read them.
var StatusLabels = map[string]string{
	StatusDraft:     "Draf",
	StatusSent:      "Terkirim",
	StatusAccepted:  "Diterima lembaga",
	StatusDeclined:  "Ditolak lembaga",
	StatusCompleted: "Selesai",
	StatusRevoked:   "Dibatalkan",
}

// Transition is one allowed move of a referral.
type Transition struct {
	From, To string
	// Action names the move in the audit trail.
	Action string
	// Stamp is the time field the server sets.
	Stamp string
	// Note is the note field that may explain the move ("" for none);
	// NoteRequired makes it compulsory.
	Note         string
	NoteRequired bool
}

// Transitions is the lifecycle: draft → sent → accepted | declined, accepted
// → completed, and revoked from draft or sent. A declined referral is final;
// the victim is referred again with a new referral to another institution.
var Transitions = []Transition{
	{From: StatusDraft, To: StatusSent, Action: "send", Stamp: "sent_at"},
	{From: StatusDraft, To: StatusRevoked, Action: "revoke", Stamp: "revoked_at", Note: "closing_note", NoteRequired: true},
	{From: StatusSent, To: StatusAccepted, Action: "accept", Stamp: "responded_at", Note: "response_note"},
	{From: StatusSent, To: StatusDeclined, Action: "decline", Stamp: "responded_at", Note: "response_note", NoteRequired: true},
	{From: StatusSent, To: StatusRevoked, Action: "revoke", Stamp: "revoked_at", Note: "closing_note", NoteRequired: true},
	{From: StatusAccepted, To: StatusCompleted, Action: "complete", Stamp: "completed_at", Note: "closing_note"},
}

// DraftFields are what staff may still change while a referral is a draft;
// after sending, only the transitions' notes change.
var DraftFields = []string{"institution", "services", "reason", "priority", "consent", "consent_by", "consent_name"}

// NoteMessages explain a missing required note, by action.
var NoteMessages = map[string]string{
	"decline": "Tulis jawaban lembaga, misalnya alasan penolakan, agar korban dapat dirujuk ke lembaga lain.",
	"revoke":  "Tulis alasan pembatalan rujukan ini.",
}

// Refusal is a transition that is not allowed, with the reason a person reads.
type Refusal struct {
	Code    string
	Message string
}

// Next returns the transition from one status to another, or why it is
// refused. from and to must differ: keeping the status is no transition.
func Next(from, to string) (Transition, *Refusal) {
	if !contains(Statuses, to) {
		return Transition{}, &Refusal{"invalid_status", "Status rujukan tidak dikenal. Pilih salah satu: draft, sent, accepted, declined, completed, revoked."}
	}
	for _, t := range Transitions {
		if t.From == from && t.To == to {
			return t, nil
		}
	}
	return Transition{}, refusal(from, to)
}

func refusal(from, to string) *Refusal {
	switch from {
	case StatusDraft:
		return &Refusal{"not_sent", "Rujukan ini masih draf. Kirim rujukan terlebih dahulu; jawaban lembaga baru dapat dicatat setelah surat dikirim."}
	case StatusSent:
		if to == StatusCompleted {
			return &Refusal{"not_accepted", "Rujukan baru dapat dinyatakan selesai setelah lembaga menerimanya. Catat dulu jawaban lembaga."}
		}
		return &Refusal{"already_sent", "Rujukan yang sudah dikirim tidak dapat dikembalikan menjadi draf. Batalkan rujukan ini dan buat rujukan baru bila ada yang perlu diubah."}
	case StatusAccepted:
		if to == StatusRevoked {
			return &Refusal{"already_accepted", "Rujukan yang sudah diterima lembaga tidak dapat dibatalkan. Catat penyelesaiannya setelah layanan diberikan."}
		}
		return &Refusal{"already_answered", "Jawaban lembaga sudah dicatat: rujukan diterima. Langkah berikutnya hanya mencatat bahwa layanan sudah selesai."}
	case StatusDeclined:
		return &Refusal{"referral_final", "Rujukan ini sudah ditolak lembaga dan tidak dapat diubah lagi. Buat rujukan baru ke lembaga lain bila korban masih memerlukan layanan."}
	case StatusCompleted:
		return &Refusal{"referral_final", "Rujukan ini sudah selesai dan tidak dapat diubah lagi."}
	case StatusRevoked:
		return &Refusal{"referral_final", "Rujukan ini sudah dibatalkan dan tidak dapat diubah lagi. Buat rujukan baru bila perlu."}
	}
	return &Refusal{"invalid_status", "Status rujukan tidak dikenal."}
}

// Final reports whether a referral in this status can no longer change.
func Final(status string) bool {
	for _, t := range Transitions {
		if t.From == status {
			return false
		}
	}
	return true
}

// Who gave consent to a referral.
const (
	ConsentByVictim   = "victim"
	ConsentByGuardian = "guardian"
)

// Consent is the consent recorded on a referral, with what decides whose
// consent counts.
type Consent struct {
	Given bool
	By    string // ConsentByVictim or ConsentByGuardian
	Name  string // the guardian's name
	// Child is true for a victim under 18 on the day of sending.
	Child bool
	// Disability is the victim's disability code (DESIGN §3).
	Disability string
}

// Problem is a field-keyed reason why a referral cannot be sent.
type Problem struct {
	Field, Code, Message string
}

// CheckConsent is the consent gate: a referral is sent only with the
// victim's recorded consent or, for a child, a parent's or guardian's. An
// adult consents for themself, unless an intellectual or mental disability
// calls for supported decision-making with a guardian.
func CheckConsent(c Consent) []Problem {
	if !c.Given {
		return []Problem{{"consent", "consent_required",
			"Rujukan tidak dapat dikirim tanpa persetujuan korban (atau orang tua/wali bila korban anak). Tanyakan persetujuannya, lalu catat pada rujukan ini."}}
	}
	var out []Problem
	switch c.By {
	case ConsentByVictim:
		if c.Child {
			out = append(out, Problem{"consent_by", "guardian_consent_required",
				"Korban masih anak (di bawah 18 tahun): persetujuan diberikan oleh orang tua atau wali. Pilih \"orang tua/wali\" dan tulis namanya."})
		}
	case ConsentByGuardian:
		if !c.Child && !guardianFor(c.Disability) {
			out = append(out, Problem{"consent_by", "victim_consent_required",
				"Korban sudah dewasa: persetujuan diberikan oleh korban sendiri. Persetujuan wali hanya untuk korban anak atau korban dengan disabilitas intelektual atau mental."})
		}
		if c.Name == "" {
			out = append(out, Problem{"consent_name", "required", "Tulis nama orang tua/wali yang memberi persetujuan."})
		}
	default:
		out = append(out, Problem{"consent_by", "required", "Catat siapa yang memberi persetujuan: korban sendiri atau orang tua/wali."})
	}
	return out
}

func guardianFor(disability string) bool {
	return disability == "intellectual" || disability == "mental" || disability == "multiple"
}

// What of the victim's identity a referral letter may carry.
const (
	IdentityName       = "name"
	IdentitySex        = "sex"
	IdentityAge        = "age"
	IdentityBirthDate  = "birth_date"
	IdentityNIK        = "nik"
	IdentityAddress    = "address"
	IdentityDisability = "disability"
)

// identityByType is need-to-know: a receiving service learns what it needs
// to serve the victim and nothing else. Hospitals need the NIK for the
// medical record and national health insurance; the police and Dukcapil
// need the full identity; a shelter is told no home address.
var identityByType = map[string][]string{
	TypeHealth:        {IdentityName, IdentitySex, IdentityAge, IdentityBirthDate, IdentityNIK, IdentityDisability},
	TypePolice:        {IdentityName, IdentitySex, IdentityAge, IdentityBirthDate, IdentityNIK, IdentityAddress},
	TypeShelter:       {IdentityName, IdentitySex, IdentityAge, IdentityDisability},
	TypePsychosocial:  {IdentityName, IdentitySex, IdentityAge, IdentityDisability},
	TypeLegalAid:      {IdentityName, IdentitySex, IdentityAge, IdentityNIK, IdentityAddress},
	TypeCivilRegistry: {IdentityName, IdentitySex, IdentityBirthDate, IdentityNIK, IdentityAddress},
	TypeEducation:     {IdentityName, IdentitySex, IdentityAge},
	TypeReligious:     {IdentityName, IdentitySex, IdentityAge},
	TypeSocialRehab:   {IdentityName, IdentitySex, IdentityAge, IdentityDisability, IdentityAddress},
	TypeOther:         {IdentityName, IdentitySex, IdentityAge},
}

// IdentityFor lists what of the victim's identity a letter to an
// institution of this type carries; an unknown type gets the least.
func IdentityFor(institutionType string) []string {
	if f, ok := identityByType[institutionType]; ok {
		return f
	}
	return identityByType[TypeOther]
}
