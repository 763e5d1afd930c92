package data_test

import (
	"bytes"
	"fmt"
	"strings"

	"nasbook/engine/data"
)

func ExampleSpirals() {
	d := data.Spirals{Classes: 3, Noise: 0.05, Seed: 1}.Generate()
	fmt.Println(d)
	fmt.Println("shape", d.Shape(), "histogram", d.Histogram())
	// Output:
	// spirals: 600 × [2 1 1], 3 classes
	// shape [600 2 1 1] histogram [200 200 200]
}

func ExampleDataset_Split() {
	d := data.Moons{N: 1000, Noise: 0.1}.Generate()
	s := d.Split(0.1, 0.2, data.NewRand(42))
	for _, p := range []*data.Dataset{s.Train, s.Valid, s.Test} {
		fmt.Println(p.Name, p.Len(), p.Histogram())
	}
	// Output:
	// moons/train 700 [350 350]
	// moons/valid 100 [50 50]
	// moons/test 200 [100 100]
}

func ExampleBatcher() {
	d := data.Blobs{N: 10}.Generate()
	it := data.NewBatcher(d, 4, data.NewRand(1))
	var b data.Batch // reused: after the first batch, Next allocates nothing
	for epoch := 0; epoch < 2; epoch++ {
		for it.Next(&b) {
			fmt.Println(epoch, b.Shape(), len(b.X))
		}
	}
	fmt.Println("epochs done:", it.Epoch())
	// Output:
	// 0 [4 2 1 1] 8
	// 0 [4 2 1 1] 8
	// 0 [2 2 1 1] 4
	// 1 [4 2 1 1] 8
	// 1 [4 2 1 1] 8
	// 1 [2 2 1 1] 4
	// epochs done: 2
}

func ExampleShapes() {
	d := data.Shapes{N: 3, Size: 12, Kinds: []data.ShapeKind{data.Triangle, data.Ring, data.Plus}, Seed: 3}.Generate()
	// Print the three images side by side, darkest to brightest as " .:#".
	for i := 0; i < d.Len(); i++ {
		fmt.Printf("%-12s|", d.ClassName(d.Y[i]))
	}
	fmt.Println()
	for y := 0; y < d.H; y++ {
		var row strings.Builder
		for i := 0; i < d.Len(); i++ {
			img := d.Example(i)
			for x := 0; x < d.W; x++ {
				row.WriteByte(" .:#"[min(int(img[y*d.W+x]*4), 3)])
			}
			row.WriteByte('|')
		}
		fmt.Println(row.String())
	}
	// Output:
	// ring        |triangle    |plus        |
	//             |            |            |
	//   .:###:.   |            |     ..     |
	//  .#######.  |            |     ##     |
	//  ##:   :##  |      #     |     ##     |
	// .##     ##. |     :#:    |  ::###:::  |
	// .#:     :#: |    .###    |  #######:  |
	// .#:     :#: |    ####:   |  ..:##...  |
	// .##     ##. |   .#####   |     ##     |
	//  :##. .##:  |   ######:  |     ##     |
	//   #######   |  :#######. |            |
	//    :###:    |  ######### |            |
	//             |            |            |
}

func ExampleReadCSV() {
	const table = `sepal_length,sepal_width,species
5.1,3.5,setosa
7.0,3.2,versicolor
6.3,3.3,virginica
4.9,3.0,setosa
`
	d, err := data.ReadCSV(strings.NewReader(table), data.CSVConfig{Name: "iris", Label: "species"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d, d.ClassNames, d.Y)
	fmt.Println(d.Example(1))

	_, err = data.ReadCSV(strings.NewReader("a,b,y\n1,2,0\n1,x,1\n"), data.CSVConfig{})
	fmt.Println(err)
	// Output:
	// iris: 4 × [2 1 1], 3 classes [setosa versicolor virginica] [0 1 2 0]
	// [7 3.2]
	// data: csv line 3, field "b": "x" is not a number
}

func ExampleReadIDX() {
	// An IDX file: magic 0x00 0x00 0x08 (unsigned byte) 0x01 (one
	// dimension), the dimension 3 as a big-endian uint32, then the bytes.
	file := []byte{0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1}
	x, err := data.ReadIDX(bytes.NewReader(file))
	fmt.Println(x.Type, x.Dims, x.Data, err)

	_, err = data.ReadIDX(bytes.NewReader(file[:10]))
	fmt.Println(err)
	// Output:
	// unsigned byte [3] [7 2 1] <nil>
	// data: idx: header says 3 labels but file holds 2
}

func ExampleReadMNIST() {
	// In the browser, the page fetches the subset files that the build
	// copied to assets/build/data and hands their bytes over.
	var images, labels []byte // mnist-test-images.idx.gz, mnist-test-labels.idx.gz
	d, err := data.ReadMNIST(bytes.NewReader(images), bytes.NewReader(labels), data.MNISTConfig{Size: 7})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Shape()) // [2000 1 7 7]
}
