// Filled by the augmentation branch's tests.
