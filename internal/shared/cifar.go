package shared

import "math/rand"

// CIFARRecords returns n records of the CIFAR-10 binary format, record i
// with label i%10 and seeded random pixels: a stand-in for a CIFAR-10 batch
// file in tests (the project ships none).
func CIFARRecords(n int, seed int64) []byte {
	r := rand.New(rand.NewSource(seed))
	b := make([]byte, 0, n*3073)
	for i := range n {
		b = append(b, byte(i%10))
		for range 3072 {
			b = append(b, byte(r.Intn(256)))
		}
	}
	return b
}
