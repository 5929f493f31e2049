/**
 * Ready-made models and model files, built on the layers of {@code dev.nabla.nn}: a {@link dev.nabla.models.ModelSpec}
 * names a model kind and its sizes (softmax regression, two-layer network, MLP, LeNet-5, a small CNN; the
 * course's two presets) and {@link dev.nabla.models.Models#build} builds it; {@link dev.nabla.models.ModelSize}
 * counts a spec's parameters before anything is allocated; {@link dev.nabla.models.ModelFile} saves a module's
 * state dict with its architecture (a spec or a layer list) and rebuilds it in one call;
 * {@link dev.nabla.models.CourseNames} maps the course's parameter names ({@code W1}, {@code b1}, ...) and layout.
 */
package dev.nabla.models;
