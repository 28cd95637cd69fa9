package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// WriteText writes the report as a table a person reads.
func (r *Report) WriteText(w io.Writer) error {
	m := r.Machine
	sc := r.Scale
	fmt.Fprintf(w, "Sharefair bench on %s (%s)\n", r.Engine, r.EngineVersion)
	fmt.Fprintf(w, "Network: %d members, %d hubs, %d threads, %d posts, the long thread %d replies; seeded in %s.\n",
		sc.Members, sc.Hubs, r.Threads, sc.Posts, sc.Replies, r.SeedTime.Round(10*time.Millisecond))
	fmt.Fprintf(w, "Machine: %d CPUs (%s), GOMAXPROCS %d, %s, %s.\n", m.CPUs, m.CPUModel, m.GOMAXPROCS, m.GoVersion, m.OS)
	fmt.Fprintf(w, "The load generator runs in the same process and shares the machine's %d cores with the server.\n", m.CPUs)
	fmt.Fprintf(w, "Requests: GET as a signed-in regular member, Accept-Encoding: gzip, over loopback, keep-alive.\n")
	fmt.Fprintf(w, "Throughput: closed loop, %d connections, %s measured after %s of warm-up; baseline = a trivial handler\n"+
		"  in the same process writing the same bytes with the same headers.\n", r.Conns, r.Duration, r.Warmup)
	fmt.Fprintf(w, "Latency: open loop at %.0f requests/s for %s, each timed from when it was due.\n\n", r.Rate, r.Duration)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "page\tgzip B\tHTML B\tapp req/s\tbaseline req/s\tratio\tapp CPU/req\tbaseline CPU/req\tCPU ratio\tcores used\t")
	for _, p := range r.Pages {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.0f\t%.3f\t%s\t%s\t%.3f\t%.2f / %.2f\t\n", p.Name, p.BodyBytes, p.HTMLBytes,
			p.App.PerSecond, p.Baseline.PerSecond, p.Ratio, us(p.App.CPUPerRequest), us(p.Baseline.CPUPerRequest),
			p.CPURatio(), p.App.Utilisation, p.Baseline.Utilisation)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "page\tp50 at %.0f/s\tp90\tp99\tmax\tachieved/s\terrors\tbaseline p50\tbaseline p99\t\n", r.Rate)
	for _, p := range r.Pages {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.1f\t%d\t%s\t%s\t\n", p.Name, ms(p.Latency.P50), ms(p.Latency.P90),
			ms(p.Latency.P99), ms(p.Latency.Max), p.Latency.Achieved, p.App.Errors+p.Latency.Errors,
			ms(p.BaselineLatency.P50), ms(p.BaselineLatency.P99))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nCPU/req is the process's CPU time (server and generator) per request; CPU ratio = baseline CPU/req ÷ app CPU/req,\n"+
		"the ratio the two would have with the CPU to themselves. Cores used below %d mean something else held the run back.\n", m.CPUs)
	fmt.Fprintf(w, "\nAim: ratio ≥ %.2f and p99 ≤ %s at %.0f/s, without errors.\n", AimRatio, ms(AimP99), r.Rate)
	for _, p := range r.Pages {
		if ok, why := p.Meets(); ok {
			fmt.Fprintf(w, "  %s %s: PASS\n", r.Engine, p.Name)
		} else {
			fmt.Fprintf(w, "  %s %s: SHORT (%s)\n", r.Engine, p.Name, why)
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

// us formats a duration in microseconds.
func us(d time.Duration) string {
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

// WriteJSON writes the report for scripts.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
