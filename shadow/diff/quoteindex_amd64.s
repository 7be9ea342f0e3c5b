#include "textflag.h"

// func quoteMasksSSE2(src *byte, blocks int, m *uint64)
// Each 64-byte block is four 16-byte lanes; a lane's quotes and backslashes
// are found with two byte compares, joined, and their byte mask (PMOVMSKB)
// shifted into place in one 64-bit word.
TEXT ·quoteMasksSSE2(SB), NOSPLIT, $0-24
	MOVQ src+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ m+16(FP), DI
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X8
	PUNPCKLQDQ X8, X8
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X9
	PUNPCKLQDQ X9, X9

loop:
	MOVOU 0(SI), X0
	MOVO X0, X1
	PCMPEQB X8, X0
	PCMPEQB X9, X1
	POR X1, X0
	PMOVMSKB X0, AX
	MOVOU 16(SI), X2
	MOVO X2, X3
	PCMPEQB X8, X2
	PCMPEQB X9, X3
	POR X3, X2
	PMOVMSKB X2, BX
	SHLQ $16, BX
	ORQ BX, AX
	MOVOU 32(SI), X4
	MOVO X4, X5
	PCMPEQB X8, X4
	PCMPEQB X9, X5
	POR X5, X4
	PMOVMSKB X4, BX
	SHLQ $32, BX
	ORQ BX, AX
	MOVOU 48(SI), X6
	MOVO X6, X7
	PCMPEQB X8, X6
	PCMPEQB X9, X7
	POR X7, X6
	PMOVMSKB X6, BX
	SHLQ $48, BX
	ORQ BX, AX
	MOVQ AX, (DI)
	ADDQ $64, SI
	ADDQ $8, DI
	DECQ CX
	JNZ loop
	RET
