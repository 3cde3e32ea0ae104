#ifndef CPUCHECK_H
#define CPUCHECK_H

/// 1 when the CPU and the OS support AVX2 and FMA (the numeric targets are built for them), else 0.
int cpucheck_has_avx2_fma(void);

#endif
