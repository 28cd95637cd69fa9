package bench

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestDbg(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scale = TinyScale
	cfg.Duration, cfg.Warmup, cfg.Rate = 300*time.Millisecond, 100*time.Millisecond, 50
	rep, err := Run(context.Background(), cfg)
	fmt.Println(err)
	if rep != nil {
		for _, p := range rep.Pages {
			fmt.Printf("%+v\n", p)
		}
	}
}
