package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Application settings: name, and rate limits on the public endpoints. The
// limits stay PocketBase's own settings so an operator tunes them in the
// admin panel (Settings → Rate limiting).
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		s.Meta.AppName = "Teduh"
		s.Meta.SenderName = "Teduh"
		s.RateLimits.Enabled = true
		s.RateLimits.Rules = append(s.RateLimits.Rules,
			// a person can retry a few times; a flood gets 429
			core.RateLimitRule{Label: "POST /api/public/complaints", Audience: core.RateLimitRuleAudienceAll, Duration: 60, MaxRequests: 5},
			core.RateLimitRule{Label: "POST /api/public/feedback", Audience: core.RateLimitRuleAudienceAll, Duration: 60, MaxRequests: 5},
			core.RateLimitRule{Label: "/api/public/", Audience: core.RateLimitRuleAudienceAll, Duration: 60, MaxRequests: 60},
		)
		return app.Save(s)
	}, nil)
}
