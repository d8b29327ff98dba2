package analysis

import "testing"

func TestFileNameToObjectName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"counter", "counter"},
		{"chat-room", "chatRoom"},
		{"rate-limiter", "rateLimiter"},
		{"obj-123", "obj-123"},
		{"a-b-c", "aBC"},
		{"trailing-", "trailing-"},
		{"double--dash", "double-Dash"},
		{"Upper-case", "UpperCase"},
		{"chat_room", "chat_room"},
		{"", ""},
	} {
		if got := FileNameToObjectName(tc.in); got != tc.want {
			t.Errorf("FileNameToObjectName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestObjectNameToBindingName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"counter", "COUNTER"},
		{"chatRoom", "CHAT_ROOM"},
		{"rateLimiter", "RATE_LIMITER"},
		{"ChatRoom", "CHAT_ROOM"},
		{"Counter", "COUNTER"},
		{"obj-123", "OBJ-123"},
		{"aBC", "A_B_C"},
		{"", ""},
	} {
		if got := ObjectNameToBindingName(tc.in); got != tc.want {
			t.Errorf("ObjectNameToBindingName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestObjectNameToClassName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"counter", "Counter"},
		{"chatRoom", "ChatRoom"},
		{"rateLimiter", "RateLimiter"},
		{"Counter", "Counter"},
		{"", ""},
	} {
		if got := ObjectNameToClassName(tc.in); got != tc.want {
			t.Errorf("ObjectNameToClassName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBindingNameToObjectName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"RATE_LIMITER", "rateLimiter"},
		{"CHAT_ROOM", "chatRoom"},
		{"COUNTER", "counter"},
		{"A_B_C", "aBC"},
		{"OBJ_1", "obj_1"},
	} {
		if got := BindingNameToObjectName(tc.in); got != tc.want {
			t.Errorf("BindingNameToObjectName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Round trip: every valid object name survives binding -> object.
func TestBindingRoundTrip(t *testing.T) {
	for _, name := range []string{"counter", "chatRoom", "rateLimiter", "analytics", "aBC"} {
		if got := BindingNameToObjectName(ObjectNameToBindingName(name)); got != name {
			t.Errorf("round trip %q -> %q", name, got)
		}
	}
}

func TestValidObjectName(t *testing.T) {
	for _, tc := range []struct {
		file string
		want bool
	}{
		{"counter", true},
		{"chat-room", true}, // -> chatRoom
		{"rate-limiter", true},
		{"chatRoom", true},
		{"chat_room", false},
		{"Counter", false},
		{"2fa", false},
		{"obj-123", false}, // stays obj-123: contains '-'
		// Cloudwerk accepts these; no class name can hold them.
		{"sp ace", false},
		{`quote"`, false},
		{"new\nline", false},
		{"tab\there", false},
		{"bad\xffbyte", false},
		{"dot.ted", false},
		{"café", true}, // letters beyond ASCII make a valid class name
		{"price$", true},
		{"", false},
	} {
		if got := ValidObjectName(FileNameToObjectName(tc.file)); got != tc.want {
			t.Errorf("ValidObjectName(FileNameToObjectName(%q)) = %v, want %v", tc.file, got, tc.want)
		}
	}
}

func TestValidRuntimeName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"counter", true}, {"chat-room", true}, {"obj-123", true}, {"a", true},
		{"", false}, {"Counter", false}, {"2fa", false}, {"chat_room", false}, {"chat room", false},
	} {
		if got := ValidRuntimeName(tc.in); got != tc.want {
			t.Errorf("ValidRuntimeName(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestValidMethodName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"increment", true}, {"_private", true}, {"$x", true}, {"get2", true},
		{"", false}, {"2get", false}, {"my-method", false}, {"héllo", false},
	} {
		if got := ValidMethodName(tc.in); got != tc.want {
			t.Errorf("ValidMethodName(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
