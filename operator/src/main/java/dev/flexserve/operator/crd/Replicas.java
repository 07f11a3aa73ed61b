package dev.flexserve.operator.crd;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** How far the autoscaler may scale an expert: {@code min} 0 allows scale-to-zero. */
@ValidationRule(value = "self.min <= self.max", message = "replicas.min must not exceed replicas.max")
public class Replicas {
    @Required
    @Min(0)
    private int min;

    @Required
    @Min(1)
    private int max;

    public Replicas() {
    }

    public Replicas(int min, int max) {
        this.min = min;
        this.max = max;
    }

    public int getMin() {
        return min;
    }

    public void setMin(int min) {
        this.min = min;
    }

    public int getMax() {
        return max;
    }

    public void setMax(int max) {
        this.max = max;
    }
}
