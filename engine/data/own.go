package data

import "fmt"

// SplitStandardized splits d by class into training, validation and test
// parts holding the given fractions of each class (Split), then
// standardises every part with the training part's mean and deviation of
// each channel (of each feature, for a table): what a dataset that a user
// brings needs before a network trains on it. A dataset of fewer than two
// classes, or one that leaves no training example, is an error.
func SplitStandardized(d *Dataset, valid, test float64, seed int64) (Splits, error) {
	if !(valid >= 0 && test >= 0 && valid+test < 1) {
		return Splits{}, fmt.Errorf("data: %s: hold out %g for validation and %g for test: want fractions with a sum below 1", d.Name, valid, test)
	}
	if d.Classes < 2 {
		return Splits{}, fmt.Errorf("data: %s: %d examples of one class: a classifier needs two classes or more", d.Name, d.Len())
	}
	sp := d.Split(valid, test, NewRand(seed))
	if sp.Train.Len() == 0 {
		return Splits{}, fmt.Errorf("data: %s: %d examples leave none to train on", d.Name, d.Len())
	}
	mean, std := sp.Train.ChannelStats()
	for _, p := range []*Dataset{sp.Train, sp.Valid, sp.Test} {
		p.Standardize(mean, std)
	}
	sp.Name = d.Name
	return sp, nil
}
