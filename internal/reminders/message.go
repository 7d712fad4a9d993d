package reminders

import (
	"fmt"
	"strings"
	"time"
)

// The words people read. A reminder names the case by its number and says
// what is due; it never carries the victim's name or any detail of the case,
// because it travels by e-mail.

var titles = map[Kind]string{
	KindNewComplaint:        "Pengaduan online baru",
	KindNewEmergency:        "DARURAT: pengaduan online baru",
	KindFirstResponseMissed: "Tanggapan pertama terlambat",
	KindSLADueSoon:          "Batas waktu layanan segera tiba",
	KindSLADueToday:         "Batas waktu layanan hari ini",
	KindSLAOverdue:          "Kasus melewati batas waktu layanan",
	KindSLAEscalation:       "Eskalasi: kasus melewati batas waktu layanan",
	KindReferralUnanswered:  "Rujukan belum dijawab",
	KindDispositionWaiting:  "Kasus menunggu disposisi",
	KindDispositionReminder: "Disposisi belum diberikan",
	KindNewComplaintsDigest: "Banyak pengaduan online baru sekaligus",
	KindNewSubmission:       "Kiriman layanan baru",
	KindClockReminder:       "Tenggat segera tiba",
	KindClockEscalation:     "Eskalasi: tenggat terlewati",
}

// Title is a short heading for a kind (mail subject, console list).
func (k Kind) Title() string {
	if t, ok := titles[k]; ok {
		return t
	}
	return "Pengingat kasus"
}

// Message is the notification text, with times in the office's time zone.
func (r Reminder) Message(loc *time.Location) string {
	n := r.Number
	switch r.Kind {
	case KindNewComplaint:
		return fmt.Sprintf("Pengaduan online baru %s masuk. Lakukan identifikasi singkat dan penenangan korban paling lambat %s.", n, FormatTime(r.Deadline, loc))
	case KindNewEmergency:
		return fmt.Sprintf("DARURAT: pengaduan online baru %s perlu ditangani segera. Tanggapan pertama paling lambat %s.", n, FormatTime(r.Deadline, loc))
	case KindFirstResponseMissed:
		msg := fmt.Sprintf("Tanggapan pertama untuk kasus %s belum dicatat, padahal batasnya %s. Tunjuk petugas untuk segera menangani kasus ini.", n, FormatTime(r.Deadline, loc))
		if r.Emergency {
			msg = "DARURAT: " + msg
		}
		return msg
	case KindSLADueSoon:
		return fmt.Sprintf("Batas waktu layanan kasus %s jatuh pada %s (%d hari lagi). Pastikan penanganan selesai tepat waktu.", n, FormatTime(r.Deadline, loc), r.DaysLeft)
	case KindSLADueToday:
		return fmt.Sprintf("Hari ini batas waktu layanan kasus %s, paling lambat %s.", n, FormatTime(r.Deadline, loc))
	case KindSLAOverdue:
		return fmt.Sprintf("Kasus %s melewati batas waktu layanan sejak %s (%s) dan belum selesai.", n, FormatTime(r.Deadline, loc), lateText(r.DaysLate))
	case KindSLAEscalation:
		return fmt.Sprintf("Eskalasi: kasus %s melewati batas waktu layanan sejak %s dan belum selesai. Periksa penanganannya bersama petugas.", n, FormatTime(r.Deadline, loc))
	case KindReferralUnanswered:
		return fmt.Sprintf("Rujukan untuk kasus %s yang dikirim %s belum dijawab lembaga tujuan setelah %d hari. Hubungi lembaga tersebut.", n, FormatDate(r.Deadline, loc), r.DaysWaiting)
	case KindDispositionWaiting:
		return fmt.Sprintf("Kasus %s sudah diidentifikasi lengkap dan menunggu disposisi tindak lanjut (langkah %d) dari kepala/penyelia.", n, r.Step)
	case KindNewComplaintsDigest:
		return digestMessage(r.Numbers)
	case KindNewSubmission:
		return fmt.Sprintf("%s baru masuk: %s. Buka kasus ini untuk menanganinya.", r.Label, n)
	case KindClockReminder:
		msg := fmt.Sprintf("Kasus %s: %s jatuh tempo %s.", n, r.Label, FormatTime(r.Deadline, loc))
		if r.DaysLeft == 0 {
			msg = fmt.Sprintf("Kasus %s: hari ini batas %s, paling lambat %s.", n, r.Label, FormatTime(r.Deadline, loc))
		}
		if r.Emergency {
			msg = "DARURAT: " + msg
		}
		return msg
	case KindClockEscalation:
		return fmt.Sprintf("Eskalasi: kasus %s melewati tenggat %s sejak %s dan belum terpenuhi. Periksa penanganannya bersama petugas.", n, r.Label, FormatTime(r.Deadline, loc))
	case KindDispositionReminder:
		return fmt.Sprintf("Kasus %s masih menunggu disposisi tindak lanjut (langkah %d) sejak %s. Penanganan tidak dapat berlanjut sebelum disposisi diberikan.", n, r.Step, FormatTime(r.Deadline.Add(-DispositionReminderAfter), loc))
	}
	return "Ada pengingat untuk kasus " + n + "."
}

func lateText(days int) string {
	if days <= 0 {
		return "terlambat sejak hari ini"
	}
	return fmt.Sprintf("terlambat %d hari", days)
}

var months = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// FormatDate is a date as people in Indonesia write it: 3 Desember 2026.
func FormatDate(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// FormatTime is a date and time in the office's zone: 3 Desember 2026
// pukul 10.00 WIB.
func FormatTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	zone := t.Format("MST")
	if strings.HasPrefix(zone, "+") || strings.HasPrefix(zone, "-") {
		zone = "UTC" + t.Format("-07:00")
	}
	return fmt.Sprintf("%s pukul %s %s", FormatDate(t, loc), t.Format("15.04"), zone)
}

// Digest is the alert that stands for the new complaints of one minute
// during a flood: to everyone on duty, pointing at the first case.
func Digest(caseIDs, numbers []string, minute time.Time, loc *time.Location) Reminder {
	return Reminder{
		Key: "new_complaints_digest:" + minute.UTC().Format("2006-01-02T15:04") + ":" + caseIDs[0], Kind: KindNewComplaintsDigest, To: OnDuty,
		CaseID: caseIDs[0], Number: numbers[0], Numbers: numbers, Deadline: minute, Day: Day(minute, loc),
	}
}

// digestMessage names the cases, as many as the notification holds.
func digestMessage(numbers []string) string {
	head := fmt.Sprintf("Banyak kiriman masuk sekaligus: %d pengaduan online baru dalam satu menit terakhir. Semua ada di antrean; pengaduan darurat tetap diberitahukan satu per satu. Nomor: ", len(numbers))
	var b strings.Builder
	b.WriteString(head)
	for i, n := range numbers {
		part := n
		if i > 0 {
			part = ", " + n
		}
		if b.Len()+len(part) > 940 {
			fmt.Fprintf(&b, " dan %d lainnya", len(numbers)-i)
			break
		}
		b.WriteString(part)
	}
	b.WriteString(".")
	return b.String()
}
