package dev.clm4j.nn;

import java.util.List;

/** Something that owns parameters. Names follow Hugging Face's, so checkpoints load elsewhere. */
public interface Module {
    /** Every parameter of this module and its children, in a fixed order. */
    List<Parameter> parameters();
}
