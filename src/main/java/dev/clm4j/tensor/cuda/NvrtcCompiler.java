package dev.clm4j.tensor.cuda;

import static org.bytedeco.cuda.global.nvrtc.NVRTC_SUCCESS;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCompileProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCreateProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcDestroyProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetErrorString;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetNumSupportedArchs;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetPTX;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetPTXSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLog;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLogSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetSupportedArchs;

import java.util.Map;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/** Compiles CUDA C++ to PTX at run time with NVRTC: the fallback when no usable fatbin was built. */
final class NvrtcCompiler {
    private NvrtcCompiler() {
    }

    /**
     * PTX (NUL-terminated, ready for cuModuleLoadData) for the newest virtual architecture NVRTC
     * supports that is not newer than the device's compute capability.
     */
    static byte[] compileToPtx(String unitName, String source, Map<String, String> includeFiles,
                               int computeCapability) {
        int arch = architectureFor(computeCapability);
        _nvrtcProgram program = new _nvrtcProgram();
        String[] names = includeFiles.keySet().toArray(new String[0]);
        String[] contents = includeFiles.values().toArray(new String[0]);
        try (BytePointer src = new BytePointer(source);
             BytePointer name = new BytePointer(unitName);
             PointerPointer<?> headerContents = new PointerPointer<>(contents);
             PointerPointer<?> headerNames = new PointerPointer<>(names)) {
            check(nvrtcCreateProgram(program, src, name, names.length, headerContents, headerNames),
                    "nvrtcCreateProgram");
        }
        try {
            String[] options = {"--gpu-architecture=compute_" + arch, "-std=c++17", "-lineinfo"};
            int rc;
            try (PointerPointer<?> opts = new PointerPointer<>(options)) {
                rc = nvrtcCompileProgram(program, options.length, opts);
            }
            if (rc != NVRTC_SUCCESS) {
                throw new CudaException("NVRTC could not compile the kernels for compute_" + arch + ": "
                        + nvrtcGetErrorString(rc).getString() + "\n" + log(program));
            }
            try (SizeTPointer size = new SizeTPointer(1)) {
                check(nvrtcGetPTXSize(program, size), "nvrtcGetPTXSize");
                byte[] ptx = new byte[(int) size.get()];
                try (BytePointer buffer = new BytePointer(ptx.length)) {
                    check(nvrtcGetPTX(program, buffer), "nvrtcGetPTX");
                    buffer.get(ptx);
                }
                return ptx;
            }
        } finally {
            nvrtcDestroyProgram(program);
        }
    }

    /** The newest architecture NVRTC can target that the device can run. */
    static int architectureFor(int computeCapability) {
        int[] count = new int[1];
        check(nvrtcGetNumSupportedArchs(count), "nvrtcGetNumSupportedArchs");
        int[] archs = new int[count[0]];
        check(nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs");
        int best = -1;
        for (int a : archs) {
            if (a <= computeCapability && a > best) {
                best = a;
            }
        }
        if (best < 0) {
            throw new CudaException("NVRTC supports no architecture for a device of compute capability "
                    + computeCapability + " (supported: " + java.util.Arrays.toString(archs) + ")");
        }
        return best;
    }

    private static String log(_nvrtcProgram program) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            if (nvrtcGetProgramLogSize(program, size) != NVRTC_SUCCESS || size.get() <= 1) {
                return "(no compiler log)";
            }
            try (BytePointer text = new BytePointer(size.get())) {
                nvrtcGetProgramLog(program, text);
                return text.getString();
            }
        }
    }

    private static void check(int rc, String call) {
        if (rc != NVRTC_SUCCESS) {
            throw new CudaException(call + " failed: " + nvrtcGetErrorString(rc).getString() + " (" + rc + ")");
        }
    }
}
