#include "icmpsweep/result.h"

const char *isw_result_type_name(enum isw_result_type type)
{
	switch (type) {
	case ISW_RESULT_ECHO_REPLY:
		return "echo-reply";
	case ISW_RESULT_UNREACHABLE:
		return "unreachable";
	case ISW_RESULT_TIME_EXCEEDED:
		return "time-exceeded";
	case ISW_RESULT_OTHER_ERROR:
		break;
	}
	return "icmp-error";
}
