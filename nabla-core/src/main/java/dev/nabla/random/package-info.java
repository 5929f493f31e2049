/**
 * Random numbers that reproduce numpy's: {@link dev.nabla.random.NumpyRandom} draws the same values as
 * {@code numpy.random.RandomState(seed)}, so weights initialised and data shuffled by nabla match the course's
 * numpy code for the same seed.
 */
package dev.nabla.random;
