package org.cam4j.spark;

import java.io.Serializable;

/** One (model, image) pair of a Spark batch run, with the image's unique output name. A bean for Spark's encoder. */
public final class Task implements Serializable {
    private static final long serialVersionUID = 1L;

    private String model;
    private String image;
    private String name;

    /** An empty task, for Spark's bean encoder. */
    public Task() {
    }

    /** The task of explaining {@code image} (its URI) with {@code model}, its outputs named {@code name}. */
    public Task(String model, String image, String name) {
        this.model = model;
        this.image = image;
        this.name = name;
    }

    /** The model's name in the YAML. */
    public String getModel() {
        return model;
    }

    /** Sets the model's name in the YAML. */
    public void setModel(String model) {
        this.model = model;
    }

    /** The image's URI. */
    public String getImage() {
        return image;
    }

    /** Sets the image's URI. */
    public void setImage(String image) {
        this.image = image;
    }

    /** The image's unique output name. */
    public String getName() {
        return name;
    }

    /** Sets the image's unique output name. */
    public void setName(String name) {
        this.name = name;
    }
}
