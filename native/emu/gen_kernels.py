# Generates emu_kernels.cpp: every kernels/*.cu compiled as host C++ against emu.h, plus
# clm_emu_dispatch, which unpacks cuLaunchKernel's parameter cells by each kernel's signature.
# Usage: gen_kernels.py KERNEL_DIR OUT_DIR
import re, sys, os
kdir = sys.argv[1]; out = sys.argv[2]
fams = sorted(f for f in os.listdir(kdir) if f.endswith('.cu'))
os.makedirs(out + '/k', exist_ok=True)
common = open(os.path.join(kdir, 'common.cuh')).read()
open(out + '/k/common.cuh', 'w').write(common)
sig = re.compile(r'extern\s+"C"\s+__global__\s+void\s+(\w+)\s*\(([^)]*)\)\s*\{', re.S)
disp = []
for f in fams:
    src = open(os.path.join(kdir, f)).read()
    src = src.replace('extern __shared__ float shared[];', 'float* shared = clm_emu_dynamic_shared;')
    open(out + '/k/' + f, 'w').write(src)
    for m in sig.finditer(src):
        name, params = m.group(1), m.group(2)
        # body text up to the next kernel, to decide whether it synchronizes
        body = src[m.end():]
        nxt = sig.search(body)
        body = body[:nxt.start()] if nxt else body
        sync = any(s in body for s in ('__syncthreads', 'clm_block_', 'clm_warp_', '__shfl'))
        args = []
        for i, p in enumerate(x.strip() for x in params.split(',')):
            t = p.rsplit(' ', 1)[0].replace('const ', '').strip()
            args.append(f'*({t}*)params[{i}]')
        disp.append(f'    if (!strcmp(k, "{name}")) {{ clm_emu_run(g, b, shared, {str(sync).lower()}, [&] {{ {name}({", ".join(args)}); }}); return 0; }}')
with open(out + '/emu_kernels.cpp', 'w') as o:
    o.write('#include "emu.h"\n')
    for f in fams:
        o.write(f'#include "k/{f}"\n')
    o.write('extern "C" int clm_emu_dispatch(const char* k, dim3e g, dim3e b, unsigned shared, void** params) {\n')
    o.write('\n'.join(disp) + '\n    return 98;\n}\n')
