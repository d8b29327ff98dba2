package analysis

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// Parsers dropped by the pool at GC are freed, not leaked.
func TestPooledParsersAreFreed(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ExtractDefinition("app/objects/p.ts", []byte(simpleObject))
		}()
	}
	wg.Wait()
	before := liveParsers.Load()
	if before == 0 {
		t.Fatal("no parser was created")
	}
	deadline := time.Now().Add(10 * time.Second)
	for liveParsers.Load() >= before && time.Now().Before(deadline) {
		runtime.GC() // the first GC moves pool entries to the victim cache, the next drops them
		time.Sleep(10 * time.Millisecond)
	}
	if after := liveParsers.Load(); after >= before {
		t.Errorf("live parsers %d -> %d: pooled parsers are never freed", before, after)
	}
	// Extraction still works after the pool was emptied.
	if def := ExtractDefinition("app/objects/p.ts", []byte(simpleObject)); def.Export != ExportDefine {
		t.Errorf("export = %v", def.Export)
	}
}
