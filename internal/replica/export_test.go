package replica

import "time"

func init() { maintainEvery = time.Second }
