package org.cam4j.spark;

import java.io.Serializable;

/** One (model, image) pair of a Spark batch run, with the image's unique output name. A bean for Spark's encoder. */
public final class Task implements Serializable {
    private static final long serialVersionUID = 1L;

    private String model;
    private String image;
    private String name;

    public Task() {
    }

    public Task(String model, String image, String name) {
        this.model = model;
        this.image = image;
        this.name = name;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
