/* The built exec stub (runtime/stub/stub.c), embedded: runtime/exec_stub.c copies it to a memfd. */
	.section .rodata
	.balign 16
	.globl berth_exec_stub
	.globl berth_exec_stub_end
berth_exec_stub:
	.incbin BERTH_STUB_PATH
berth_exec_stub_end:
	.section .note.GNU-stack, "", @progbits
