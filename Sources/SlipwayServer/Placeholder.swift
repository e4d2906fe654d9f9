import Hummingbird
import MultipartKit
import JWTKit
import ServiceLifecycle
