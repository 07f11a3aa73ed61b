package dev.flexserve.operator.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One owner's expert as Kubernetes sees it ({@code flexserve.dev/v1alpha1}, namespaced): which verified package it
 * serves, whose it is, whether it should serve, and how far it may scale. The name of the resource is the expert id.
 */
@Group(Expert.GROUP)
@Version(Expert.VERSION)
@Kind("Expert")
@Plural("experts")
@Singular("expert")
@ShortNames("fxe")
public class Expert extends CustomResource<ExpertSpec, ExpertStatus> implements Namespaced {
    public static final String GROUP = "flexserve.dev";
    public static final String VERSION = "v1alpha1";
}
